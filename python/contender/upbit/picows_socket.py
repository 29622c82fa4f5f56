"""The python-tuned contender's open socket on picows: picows' listener, the message assembly
(fragments, permessage-deflate through upbit/inflate.py, UTF-8), the read budget and the ping;
upbit/connection_picows.py opens it and runs its life (the module map's connection)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING, Any

from picows import (
    WSCloseCode,
    WSFrame,
    WSListener,
    WSMsgType,
    WSTransport,
)

from contender.upbit import inflate
from contender.upbit.connection import CLOSE_TIMEOUT_S, _Silence
from contender.upbit.read_budget import ReadBudget

if TYPE_CHECKING:
    from contender.upbit.client import UpbitClient

# picows logs failed handshakes and peer errors itself; the client reports its own one-line reasons
logging.getLogger("picows").setLevel(logging.CRITICAL)

_DATA = (WSMsgType.BINARY, WSMsgType.TEXT, WSMsgType.CONTINUATION)
_TEXT, _CONT, _CLOSE = WSMsgType.TEXT, WSMsgType.CONTINUATION, WSMsgType.CLOSE


class PicowsSocket(WSListener):
    """One open socket: picows' listener, the message assembly (fragments, inflate, UTF-8) and the
    read budget; ``on_frame(frame, at)`` is the client's."""

    def __init__(
        self,
        client: UpbitClient,
        compressed: bool,
        on_frame: Callable[[bytes, float], bool],
    ) -> None:
        self._client = client
        self._options = client.options
        self._max = client.options.max_frame_bytes
        self._budget: ReadBudget = client.read_budget
        self._on_frame = on_frame
        self.compression = "permessage-deflate" if compressed else "none"
        self._inflater = inflate.Inflater() if compressed else None
        self.ws: WSTransport | None = None
        self.silence: _Silence | None = None
        #: why this client failed the connection over a message it refused, if it did
        self.refused: str | None = None
        self._fragments: list[bytes] = []
        self._fragment_bytes = 0
        self._text = False
        self._compressed = False
        self._read_started: float | None = None
        #: frames of a read held over to the loop's next turn (the budget was spent), in order
        self._held: deque[tuple[Any, bool, bool, bytes]] | None = None
        self._ping: asyncio.TimerHandle | None = None

    @property
    def transport(self) -> asyncio.Transport:
        """The TCP transport (what Connection.run aborts when cancelled mid-way)."""
        assert self.ws is not None
        return self.ws.underlying_transport

    # --- picows' callbacks ---

    def on_ws_connected(self, transport: WSTransport) -> None:
        self.ws = transport
        self._schedule_ping()

    def on_ws_disconnected(self, transport: WSTransport) -> None:
        if self._ping is not None:
            self._ping.cancel()
        self._held = None
        sent = transport.close_handshake.sent if transport.close_handshake is not None else None
        if self.refused is None and sent is not None and sent.code == WSCloseCode.MESSAGE_TOO_BIG:
            self.refused = "too-large"  # picows' own refusal, from a frame header past max_frame_size

    def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
        msg_type = frame.msg_type
        if msg_type not in _DATA:
            if msg_type is _CLOSE:  # answer the peer's close, then the TCP connection goes
                transport.send_close(frame.get_close_code(), frame.get_close_message())
                transport.disconnect()
            return  # a ping is answered by picows; a pong needs nothing
        if self.refused is not None:
            return
        held = self._held
        if held is not None:
            held.append((msg_type, frame.fin, frame.rsv1, frame.get_payload_as_bytes()))
            return
        at = perf_counter()
        started = self._read_started
        if started is None:
            started = self._read_started = at
        self._message(msg_type, frame.fin, frame.rsv1, frame.get_payload_as_bytes(), at)
        if frame.last_in_buffer:
            self._read_started = None
            if self._budget.spend(perf_counter() - started):
                self._hold()
        elif at - started >= self._budget.left():
            # this read alone has spent the budget: its other frames wait for the next turn
            self._read_started = None
            self._budget.spend(at - started)
            self._held = deque()
            self._hold()

    # --- messages ---

    def _message(self, msg_type: Any, fin: bool, rsv1: bool, payload: bytes, at: float) -> None:
        if msg_type is not _CONT:
            if self._fragments:
                self._fail(WSCloseCode.PROTOCOL_ERROR, "a new message inside a fragmented one")
                return
            self._text = msg_type is _TEXT
            self._compressed = rsv1
            if rsv1 and self._inflater is None:
                self._fail(WSCloseCode.PROTOCOL_ERROR, "a compressed frame without permessage-deflate")
                return
        elif not self._fragments:
            self._fail(WSCloseCode.PROTOCOL_ERROR, "a continuation frame with no message to continue")
            return
        if not fin:
            self._fragments.append(payload)
            self._fragment_bytes += len(payload)
            if self._fragment_bytes > self._max:
                self._fail(WSCloseCode.MESSAGE_TOO_BIG, f"message over {self._max} bytes", "too-large")
            return
        if self._fragments:
            self._fragments.append(payload)
            payload = b"".join(self._fragments)
            self._fragments.clear()
            self._fragment_bytes = 0
            if len(payload) > self._max:
                self._fail(WSCloseCode.MESSAGE_TOO_BIG, f"message over {self._max} bytes", "too-large")
                return
        if self._compressed:
            assert self._inflater is not None
            try:
                inflated = self._inflater.inflate(payload, self._max)
            except inflate.InflateError as error:
                self._fail(WSCloseCode.PROTOCOL_ERROR, f"bad deflate data: {error}")
                return
            if inflated is None:
                self._fail(WSCloseCode.MESSAGE_TOO_BIG, f"inflated message over {self._max} bytes", "too-large")
                return
            payload = inflated
        if self._text:
            try:
                payload.decode()
            except UnicodeDecodeError as error:
                self._fail(WSCloseCode.INVALID_TEXT, f"{error.reason} at position {error.start}", "bad-utf8")
                return
        if self._on_frame(payload, at) and self.silence is not None:
            self.silence.last_data = at

    def _fail(self, code: WSCloseCode, reason: str, refused: str | None = None) -> None:
        """Fails the connection: the close frame out, then TCP closed (a hostile peer may go on
        sending); nothing more of it is read."""
        self.refused = refused if refused is not None else ""  # "": a protocol error, counted nowhere
        self._held = None
        ws = self.ws
        if ws is None or ws.is_disconnected:
            return
        ws.send_close(code, reason.encode()[:123])
        ws.disconnect()

    # --- the read budget ---

    def _hold(self) -> None:
        """Stops reading until the loop's next turn, where held frames go first."""
        ws = self.ws
        if ws is None or ws.is_disconnected:
            return
        ws.underlying_transport.pause_reading()
        asyncio.get_running_loop().call_soon(self._next_turn)

    def _next_turn(self) -> None:
        held = self._held
        ws = self.ws
        if ws is None or ws.is_disconnected:
            return
        if held:
            while held:
                msg_type, fin, rsv1, payload = held.popleft()
                at = perf_counter()
                self._message(msg_type, fin, rsv1, payload, at)
                if self._held is None:  # failed meanwhile
                    return
                if self._budget.spend(perf_counter() - at) and held:
                    asyncio.get_running_loop().call_soon(self._next_turn)
                    return
        self._held = None
        ws.underlying_transport.resume_reading()

    # --- keepalive ---

    def _schedule_ping(self) -> None:
        self._ping = asyncio.get_running_loop().call_later(self._options.ping_interval_ms / 1000, self._send_ping)

    def _send_ping(self) -> None:
        ws = self.ws
        if ws is None or ws.is_disconnected:
            return
        ws.send_ping()
        self._schedule_ping()

    # --- the client's side ---

    async def close(self) -> None:
        """The closing handshake at the window's end; a peer that does not answer is not waited for."""
        ws = self.ws
        if ws is None or ws.is_disconnected:
            return
        if not ws.is_close_frame_sent:
            ws.send_close(WSCloseCode.OK)
        try:
            await asyncio.wait_for(disconnected(ws), CLOSE_TIMEOUT_S)
        except TimeoutError:
            ws.disconnect(graceful=False)


async def disconnected(ws: WSTransport) -> None:
    """Until the socket is gone. picows re-raises here what made it disconnect (its parser's
    WSProtocolError, an exception from on_ws_frame); the close frame it sent already says why."""
    try:
        await ws.wait_disconnected()
    except Exception:  # reported through the close frame (describe_close)
        return
