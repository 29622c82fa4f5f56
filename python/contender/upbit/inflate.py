"""permessage-deflate (RFC 7692) on the receiving side, for a client whose WebSocket library parses
frames but leaves extensions to its user (picows: upbit/connection_picows.py).

What a client needs of it: the offer, whether the server accepted it, and each compressed message
inflated with the four bytes the sender stripped put back (§7.2.2), through one decompressor per
connection so the server's sliding window carries over from message to message (context
takeover). A 15-bit window inflates whatever window the server chose (server_max_window_bits ≤ 15),
and with server_no_context_takeover the server simply refers to no earlier message. The inflated
size is bounded: output stops one byte past the limit, so a deflate bomb is never inflated whole.
"""

from __future__ import annotations

import zlib

#: what the client offers: the server may pick its window; ours stays 15 bits (we never compress)
OFFER = "permessage-deflate; client_max_window_bits"
#: the tail every compressed message had stripped (RFC 7692 §7.2.1)
_TAIL = b"\x00\x00\xff\xff"


class InflateError(Exception):
    """The compressed message is not a valid deflate stream."""


def accepted(extensions_header: str | None) -> bool:
    """Whether the server's Sec-WebSocket-Extensions answer accepted permessage-deflate; raises
    ValueError for an extension the client did not offer."""
    if not extensions_header:
        return False
    names = {item.split(";", 1)[0].strip().lower() for item in extensions_header.split(",") if item.strip()}
    unknown = names - {"permessage-deflate"}
    if unknown:
        raise ValueError(f"the server accepted extensions not offered: {', '.join(sorted(unknown))}")
    return bool(names)


class Inflater:
    """One connection's decompressor."""

    __slots__ = ("_decompress",)

    def __init__(self) -> None:
        self._decompress = zlib.decompressobj(-zlib.MAX_WBITS).decompress

    def inflate(self, message: bytes, limit: int) -> bytes | None:
        """The message inflated, or None once it would pass ``limit`` bytes (the connection is then
        failed: what is left of the stream is never read)."""
        try:
            data = self._decompress(message + _TAIL, limit + 1)
        except zlib.error as error:
            raise InflateError(str(error)) from None
        return None if len(data) > limit else data
