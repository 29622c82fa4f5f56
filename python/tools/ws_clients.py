"""The WebSocket client candidates for python-tuned, client side only: the process CPU per message
of picows (core API, inflated with zlib as upbit/inflate.py does), aiohttp (``compress=15``,
``async for``) and websockets (``recv()``), each against one websockets server process that sends N
compressed ticker-like frames as fast as it can (docs/performance.md, "python tuned").

Needs aiohttp, which the project does not install: run it from a scratch venv with picows,
websockets, uvloop and aiohttp (``python ws_clients.py picows aiohttp websockets``; N=100000).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import sys
import time
import zlib
from typing import Any

N = int(os.environ.get("N", "100000"))


def ticker(i: int, rng: random.Random) -> bytes:
    return json.dumps(
        {
            "type": "ticker",
            "code": f"KRW-C{i % 15}",
            "trade_price": rng.random() * 1e5,
            "timestamp": 1796331527381 + i,
            "acc_trade_volume": rng.random() * 1e6,
            "change": "RISE",
            "pad": "x" * 400,
        }
    ).encode()


def server(ports: Any) -> None:
    import uvloop
    from websockets.asyncio.server import ServerConnection, serve

    rng = random.Random(1)
    frames = [ticker(i, rng) for i in range(1000)]

    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        for i in range(N):
            await ws.send(frames[i % 1000])
        await ws.wait_closed()

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, compression="deflate", max_queue=None) as s:
            ports.put(s.sockets[0].getsockname()[1])
            await asyncio.Future()

    uvloop.run(main())


async def client_picows(url: str) -> float:
    from picows import WSFrame, WSListener, WSMsgType, WSTransport, ws_connect

    done = asyncio.get_running_loop().create_future()

    class Listener(WSListener):
        def __init__(self) -> None:
            self.inflate = zlib.decompressobj(-15).decompress
            self.n = 0

        def on_ws_frame(self, transport: WSTransport, frame: WSFrame) -> None:
            if frame.msg_type is WSMsgType.BINARY or frame.msg_type is WSMsgType.TEXT:
                data = frame.get_payload_as_bytes()
                if frame.rsv1:
                    data = self.inflate(data + b"\x00\x00\xff\xff", 1 << 20)
                self.n += 1
                if self.n == N:
                    done.set_result(None)

    offer = {"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"}
    transport, _ = await ws_connect(Listener, url, extra_headers=offer, use_aiofastnet=False)
    transport.send(WSMsgType.TEXT, b"go")
    started = time.process_time()
    await done
    spent = time.process_time() - started
    transport.disconnect()
    return spent


async def client_aiohttp(url: str) -> float:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.ws_connect(url, compress=15, max_msg_size=1 << 20) as ws:
        await ws.send_str("go")
        started = time.process_time()
        n = 0
        async for _ in ws:
            n += 1
            if n == N:
                break
        return time.process_time() - started


async def client_websockets(url: str) -> float:
    from websockets.asyncio.client import connect

    async with connect(url, compression="deflate", max_size=1 << 20) as ws:
        await ws.send("go")
        started = time.process_time()
        for _ in range(N):
            await ws.recv(decode=False)
        return time.process_time() - started


CLIENTS = {"picows": client_picows, "aiohttp": client_aiohttp, "websockets": client_websockets}

if __name__ == "__main__":
    import uvloop

    ports: Any = multiprocessing.Queue()
    feed = multiprocessing.Process(target=server, args=(ports,), daemon=True)
    feed.start()
    url = f"ws://127.0.0.1:{ports.get()}"
    for name in sys.argv[1:]:
        cpu = uvloop.run(CLIENTS[name](url))
        print(f"{name}: {cpu / N * 1e6:.2f} µs CPU per message ({N} messages)", flush=True)
    feed.kill()
