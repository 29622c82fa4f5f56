"""The python-tuned contender's connection: the same life as upbit/connection.py (open on plan,
subscribe, read until the socket drops, ask the retry budget), on picows instead of websockets.

Why picows: its frame parser is Cython and hands each frame to ``on_ws_frame`` straight from the
protocol's ``buffer_updated`` (uvloop reads into picows' own buffer: no bytes object per read),
where websockets parses in pure Python (its C speedup only unmasks, which a client never needs).
picows' core API leaves permessage-deflate to its user, and gives what that needs: extra headers
for the offer, the upgrade response, and each frame's RSV1 bit; upbit/inflate.py does the rest.

What this module owns, each as the contract says (docs/contenders.md, behaviour 3–5):
- the handshake within HANDSHAKE_TIMEOUT_MS (TCP and upgrade together), 429 counted, redirects
  not followed, the upgrade response's headers capped (picows: 16 KiB);
- a ping frame every PING_INTERVAL_MS, no pong rule (the silence watchdog is the liveness rule);
- a data message past MAX_FRAME_BYTES, by its frame header (picows' ``max_frame_size``), its
  fragments so far or its inflated size, refused with 1009; a text message not UTF-8 with 1007;
  either told to ``on_refused``;
- reads yield to the loop under the client's ReadBudget: once a read's frames have spent it, the
  socket pauses and the rest of that read's frames wait for the loop's next turn (the as-shipped
  connection feeds websockets 8-KiB slices for the same reason; upbit/read_budget.py).
"""

from __future__ import annotations

import asyncio
from time import perf_counter
from typing import Any

from picows import (
    WSCloseCode,
    WSError,
    WSInvalidStatusError,
    WSInvalidURL,
    WSMsgType,
    WSTransport,
    ws_connect,
)

from contender.upbit import inflate
from contender.upbit.connection import Connection, _Silence
from contender.upbit.picows_socket import PicowsSocket, disconnected


class PicowsConnection(Connection):
    """One planned connection on picows; the retry loop is Connection's."""

    __slots__ = ()

    async def _open(self, subscribe: str) -> tuple[Any, float, str, bool]:  # type: ignore[override]
        client, o, stats = self._client, self._client.options, self._client.stats
        started = perf_counter()
        timeout_s = o.handshake_timeout_ms / 1000

        def socket(request: object, response: Any) -> PicowsSocket:
            extensions = response.headers.get("Sec-WebSocket-Extensions")
            return PicowsSocket(client, inflate.accepted(extensions) if o.compression else False, client.on_frame)

        try:
            ws, listener = await asyncio.wait_for(
                ws_connect(
                    socket,
                    o.upbit_ws_url,
                    websocket_handshake_timeout=timeout_s,
                    max_frame_size=o.max_frame_bytes,
                    extra_headers={"Sec-WebSocket-Extensions": inflate.OFFER} if o.compression else None,
                    max_redirects=0,
                    # uvloop's own transport, as every other python socket here: the read budget pauses it
                    use_aiofastnet=False,
                ),
                timeout_s,
            )
            connect_us = (perf_counter() - started) * 1e6
            if ws.is_disconnected:
                return None, 0.0, "closed before subscribing (no close frame)", False
            ws.send(WSMsgType.TEXT, subscribe.encode())
        except TimeoutError:
            stats.handshake_timeouts += 1
            return None, 0.0, f"handshake not open within {o.handshake_timeout_ms} ms", False
        except WSInvalidStatusError as error:
            status = int(error.response.status) if error.response is not None else 0
            if status == 429:
                stats.rate_limited += 1
            return None, 0.0, f"handshake answered HTTP {status}", status == 429
        except (OSError, WSError, WSInvalidURL, ValueError) as error:
            return None, 0.0, f"connect failed: {error}", False
        return listener, connect_us, "", False

    async def _read(self, ws: Any, connect_us: float) -> str:  # type: ignore[override]
        client, o, index = self._client, self._client.options, self._planned.index
        assert isinstance(ws, PicowsSocket) and ws.ws is not None
        client.opened(index, ws, connect_us, ws.compression)
        silence = _Silence()
        if o.silence_timeout_ms > 0:
            silence.arm(o.silence_timeout_ms / 1000, ws, client.silenced)  # type: ignore[arg-type]
        ws.silence = silence
        try:
            await disconnected(ws.ws)
            if ws.refused:
                client.on_refused(ws.refused)
            if silence.fired:
                return f"silent for {o.silence_timeout_ms} ms"
            return f"closed ({describe_close(ws.ws)})"
        finally:
            silence.cancel()
            client.closed(index, ws)  # type: ignore[arg-type]


def describe_close(ws: WSTransport) -> str:
    handshake = ws.close_handshake
    info = None if handshake is None else (handshake.recv or handshake.sent)
    if info is None:
        return "no close frame"
    code = info.code.value if isinstance(info.code, WSCloseCode) else info.code
    return f"{code}{' ' + info.reason if info.reason else ''}"
