"""The hot path's cheap, explicit check of a frame (docs/contenders.md, behaviour 9).

No ``json.loads``: parsing every frame would be the contender's biggest cost, and the frame is
forwarded byte for byte anyway. ``bytes.find`` and slicing run in C; the Python work per frame
is a handful of calls. In the contract's order, a frame is

- ``too-large``: longer than MAX_FRAME_BYTES;
- ``not-json``: not starting with ``{`` and ending with ``}``;
- ``no-code``: no ``"code":"…"`` (at most 32 bytes);
- ``unknown-code``: a code not subscribed on this run;
- ``bad-payload``: no payload field of the channel: ``"trade_price":<number>`` for ticker and
  trade, ``"orderbook_units":[`` for orderbook.

``{"status":"UP"}`` and ``{"error":{…}}`` frames are neither valid nor invalid: they are not data
frames, and get their own verdicts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

TOO_LARGE = "too-large"
NOT_JSON = "not-json"
NO_CODE = "no-code"
UNKNOWN_CODE = "unknown-code"
BAD_PAYLOAD = "bad-payload"
#: not data frames: counted apart, never produced, never invalid
STATUS = "status"
ERROR = "error"

_CODE = b'"code":"'
_TIMESTAMP = b'"timestamp":'
_STATUS = b'{"status"'
_ERROR = b'{"error"'
_MAX_CODE = 32
_DIGITS = re.compile(rb"[0-9]+")
_OPEN = 0x7B  # {
_CLOSE = 0x7D  # }
_MINUS = 0x2D
_ZERO = 0x30
_NINE = 0x39

#: (reason or None, key, exchange timestamp ms); key and timestamp are b"" and 0 when invalid
Verdict = tuple[str | None, bytes, int]


class FrameChecker:
    """Checks frames against one run's subscribed codes and channel."""

    __slots__ = ("_keys", "_max_bytes", "_payload", "_payload_is_number")

    def __init__(self, codes: Iterable[str], channel: str, max_frame_bytes: int) -> None:
        # code bytes → the one shared key object, so a valid frame's key allocates nothing new
        self._keys = {code.encode(): code.encode() for code in codes}
        self._max_bytes = max_frame_bytes
        if channel == "orderbook":
            self._payload, self._payload_is_number = b'"orderbook_units":[', False
        else:
            self._payload, self._payload_is_number = b'"trade_price":', True

    def check(self, frame: bytes) -> Verdict:
        n = len(frame)
        if n > self._max_bytes:
            return TOO_LARGE, b"", 0
        if n < 2 or frame[0] != _OPEN or frame[-1] != _CLOSE:
            return NOT_JSON, b"", 0
        at = frame.find(_CODE)
        if at < 0:
            if frame.startswith(_STATUS):
                return STATUS, b"", 0
            if frame.startswith(_ERROR):
                return ERROR, b"", 0
            return NO_CODE, b"", 0
        start = at + len(_CODE)
        end = frame.find(b'"', start, start + _MAX_CODE + 1)
        if end < 0:
            return NO_CODE, b"", 0
        key = self._keys.get(frame[start:end])
        if key is None:
            return UNKNOWN_CODE, b"", 0
        payload = frame.find(self._payload)
        if payload < 0:
            return BAD_PAYLOAD, b"", 0
        if self._payload_is_number:
            first = frame[payload + len(self._payload)]  # safe: the frame ends with "}"
            if not (_ZERO <= first <= _NINE or first == _MINUS):
                return BAD_PAYLOAD, b"", 0
        return None, key, _timestamp_ms(frame)


def _timestamp_ms(frame: bytes) -> int:
    """The frame's own ``"timestamp"`` (ms), 0 when absent. ``"trade_timestamp":`` does not
    match: there the key's opening quote is preceded by ``trade_``."""
    at = frame.find(_TIMESTAMP)
    if at < 0:
        return 0
    digits = _DIGITS.match(frame, at + len(_TIMESTAMP))
    return int(digits[0]) if digits else 0


def error_name(frame: bytes) -> str:
    """The ``name`` of an Upbit error frame ``{"error":{"name":…,"message":…}}``; error frames
    are rare, so this one may parse."""
    try:
        name = json.loads(frame)["error"]["name"]
    except (ValueError, KeyError, TypeError):
        return "unparsable"
    return name if isinstance(name, str) and name else "unnamed"
