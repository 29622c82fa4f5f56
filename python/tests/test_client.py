"""The WebSocket client's liveness rules against real local servers on 127.0.0.1 (websockets'
own server, or a bare TCP listener that never answers): compression negotiated, handshake
timeout, 429, silence watchdog, messages refused. Each runs on both connections: websockets'
(python) and picows' (python-tuned)."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Response

from contender.upbit.client import ClientOptions, UpbitClient
from contender.upbit.connection import Connection
from contender.upbit.connection_picows import PicowsConnection
from contender.upbit.plan import plan_connections

DATA = b'{"code":"KRW-BTC","trade_price":1}'


def options(url: str, **changes: object) -> ClientOptions:
    values = dict(
        upbit_ws_url=url,
        contender="python",
        upbit_channel="ticker",
        compression=True,
        ping_interval_ms=20_000,
        handshake_timeout_ms=15_000,
        silence_timeout_ms=0,
        reconnect_max_retries=0,
        reconnect_base_ms=10,
        reconnect_stable_ms=10_000,
        max_frame_bytes=1 << 20,
    )
    values.update(changes)
    return ClientOptions(**values)  # type: ignore[arg-type]


@pytest.fixture(params=[Connection, PicowsConnection], ids=["websockets", "picows"])
def connection(request: pytest.FixtureRequest) -> type[Connection]:
    return request.param


async def run_client(
    url: str,
    settle: Callable[[UpbitClient, list[bytes]], Awaitable[object]],
    connection: type[Connection],
    refused: list[str] | None = None,
    **changes: object,
) -> tuple[UpbitClient, list[bytes]]:
    """Runs a one-connection client until ``settle(client, frames)`` returns, then closes it."""
    frames: list[bytes] = []

    def on_frame(frame: bytes, now: float) -> bool:
        frames.append(frame)
        return frame != b'{"status":"UP"}'

    client = UpbitClient(
        plan_connections(["KRW-BTC"], 15, 1, 0),
        options(url, **changes),
        on_frame,
        lambda line: None,
        (refused if refused is not None else []).append,
        connection,
    )
    client.start()
    try:
        await asyncio.wait_for(settle(client, frames), 20)
    finally:
        await client.close()
    return client, frames


def test_the_subscription_and_the_negotiated_compression_are_reported(connection: type[Connection]) -> None:
    received: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        received.append(await ws.recv())
        await ws.send(DATA)
        await ws.wait_closed()

    async def scenario() -> tuple[UpbitClient, list[bytes]]:
        async with serve(handler, "127.0.0.1", 0, compression="deflate") as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"

            async def first_frame(client: UpbitClient, frames: list[bytes]) -> None:
                while not frames:
                    await asyncio.sleep(0.01)

            return await run_client(url, first_frame, connection)

    client, frames = asyncio.run(scenario())
    assert frames == [DATA]
    assert json.loads(received[0]) == [
        {"ticket": "python-0"},
        {"type": "ticker", "codes": ["KRW-BTC"]},
        {"format": "DEFAULT"},
    ]
    assert client.stats.compression == {"permessage-deflate"}
    assert client.stats.opened == 1 and client.stats.connect_us.get_total_count() == 1


def test_without_compression_none_is_negotiated(connection: type[Connection]) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.wait_closed()

    async def scenario() -> UpbitClient:
        async with serve(handler, "127.0.0.1", 0, compression="deflate") as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            client, _ = await run_client(url, lambda client, frames: client.ready.wait(), connection, compression=False)
            return client

    assert asyncio.run(scenario()).stats.compression == {"none"}


def test_a_handshake_that_never_opens_is_abandoned_and_counted(connection: type[Connection]) -> None:
    async def scenario() -> UpbitClient:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)  # accepts, never answers
        async with server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            client, _ = await run_client(
                url,
                lambda client, frames: client.ready.wait(),
                connection,
                handshake_timeout_ms=200,
                reconnect_max_retries=1,
            )
            return client

    client = asyncio.run(scenario())
    assert (client.stats.handshake_timeouts, client.stats.reconnects, client.stats.failed) == (2, 1, 1)
    assert client.stats.opened == 0


def test_a_429_on_the_handshake_is_counted(connection: type[Connection]) -> None:
    def refuse(connection: ServerConnection, request: object) -> Response:
        return connection.respond(429, "Too Many Requests\n")

    async def scenario() -> UpbitClient:
        async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=refuse) as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            client, _ = await run_client(url, lambda client, frames: client.ready.wait(), connection)
            return client

    client = asyncio.run(scenario())
    assert (client.stats.rate_limited, client.stats.failed, client.stats.opened) == (1, 1, 0)


def test_a_silent_connection_is_closed_by_the_watchdog_and_status_frames_do_not_count(
    connection: type[Connection],
) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        while True:  # alive, but only status frames: not data
            await ws.send(b'{"status":"UP"}')
            await asyncio.sleep(0.05)

    async def scenario() -> UpbitClient:
        async with serve(handler, "127.0.0.1", 0) as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"

            async def silenced(client: UpbitClient, frames: list[bytes]) -> None:
                while client.stats.silence_reconnects < 1:
                    await asyncio.sleep(0.02)

            client, _ = await run_client(url, silenced, connection, silence_timeout_ms=300, reconnect_max_retries=1)
            return client

    client = asyncio.run(scenario())
    assert client.stats.silence_reconnects >= 1
    assert client.stats.flaps >= 1  # it dropped well within the 10-s stable stretch


async def refusal(handler: Callable[[ServerConnection], Awaitable[None]], connection: type[Connection]) -> list[str]:
    """Runs ``handler`` as the server until the client has told ``on_refused`` once; returns what it told."""
    refused: list[str] = []

    async def told(client: UpbitClient, frames: list[bytes]) -> None:
        while not refused:
            await asyncio.sleep(0.01)

    async with serve(handler, "127.0.0.1", 0, compression="deflate", max_size=None) as server:
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        await run_client(url, told, connection, refused, max_frame_bytes=4096, reconnect_max_retries=0)
    return refused


def test_a_fragmented_compressed_message_is_joined_and_inflated(connection: type[Connection]) -> None:
    message = b'{"code":"KRW-BTC","trade_price":1,"pad":"' + b"x" * 3000 + b'"}'

    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send([message[:1000], message[1000:2000], message[2000:]])  # three fragments, one message
        await ws.send(DATA)
        await ws.wait_closed()

    async def scenario() -> list[bytes]:
        async with serve(handler, "127.0.0.1", 0, compression="deflate") as server:
            url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"

            async def two(client: UpbitClient, frames: list[bytes]) -> None:
                while len(frames) < 2:
                    await asyncio.sleep(0.01)

            _, frames = await run_client(url, two, connection)
            return frames

    assert asyncio.run(scenario()) == [message, DATA]


def test_a_message_that_inflates_past_the_limit_is_refused(connection: type[Connection]) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send(b"{" + b" " * 100_000 + b"}")  # deflates to a few hundred bytes, inflates past 4 KiB
        await ws.wait_closed()

    assert asyncio.run(refusal(handler, connection)) == ["too-large"]


def test_a_frame_announced_past_the_limit_is_refused(connection: type[Connection]) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.send(random.Random(1).randbytes(16_384))  # random: deflate cannot shrink it below 4 KiB
        await ws.wait_closed()

    assert asyncio.run(refusal(handler, connection)) == ["too-large"]


def test_a_text_message_that_is_not_utf8_is_refused(connection: type[Connection]) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.recv()
        await ws.protocol.send_text(b"{\xff}")  # websockets' sans-I/O layer sends any bytes as text
        ws.send_data()
        await ws.wait_closed()

    assert asyncio.run(refusal(handler, connection)) == ["bad-utf8"]
