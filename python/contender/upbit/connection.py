"""One planned connection's whole life (docs/contenders.md, behaviour 3–6): open at its planned
time, subscribe, read until the socket drops, then ask the retry budget whether and when to try
again.

- a handshake not open within HANDSHAKE_TIMEOUT_MS is abandoned (``handshake_timeouts``);
- a 429 on the handshake counts in ``rate_limited`` and backs off four times longer;
- an open connection with no data frame for SILENCE_TIMEOUT_MS is closed by a watchdog
  (``silence_reconnects``) and retried within the same budget;
- a drop resets the retry budget only if the connection had stayed open RECONNECT_STABLE_MS;
  a sooner drop is a flap (``flaps``); out of retries, the connection is given up (``failed``).

A data message past MAX_FRAME_BYTES (by its frame header, its fragments so far, or inflated) is
refused by websockets' ``max_size`` before its body is read, failing the connection with 1009; a
text message that is not UTF-8 fails it with 1007 (RFC 6455 §8.1; websockets leaves that check to
``recv()``, which this client bypasses). Either is told to ``on_refused`` and reconnected.

Keepalive pings are websockets' own ping frames every PING_INTERVAL_MS. websockets' pong
timeout is off: the contract's liveness rule is the silence watchdog, as on the other runtimes.

Messages reach ``on_frame`` straight from the connection's ``data_received`` (``DirectConnection``),
as the other runtimes' ``onmessage`` callbacks do, not through ``recv()``: websockets' protocol
has already parsed, unmasked and decompressed each frame by then, and ``recv()`` would only queue
it in an assembler and wake a task to take it back out (docs/performance.md). Those reads are
fed in slices under one ``ReadBudget``, so a feed faster than the pipeline cannot hold up the
event loop's timers and signal handlers (upbit/read_budget.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI, PayloadTooBig
from websockets.frames import Frame, Opcode

from contender.upbit.backoff import backoff_ms
from contender.upbit.plan import PlannedConnection
from contender.upbit.read_budget import SLICE_BYTES, ReadBudget
from contender.upbit.retry_budget import RetryBudget
from contender.upbit.subscribe import subscribe_message

if TYPE_CHECKING:
    from contender.upbit.client import UpbitClient

#: the closing handshake at the window's end; a peer that does not answer is not waited for
CLOSE_TIMEOUT_S = 2.0


class DirectConnection(ClientConnection):
    """websockets' asyncio client connection, handing every complete data message (bytes; text
    messages too, undecoded, as ``recv(decode=False)`` would) to ``on_message`` from
    ``data_received`` once it is set. Control frames (ping, pong, close) take websockets' own path;
    a fragmented message is joined here, as the assembler would. A text message must be UTF-8
    (checked by the C decoder; Upbit sends binary): one that is not fails the connection (1007).
    Once ``read_budget`` is set, reads are fed to the protocol in slices under it
    (upbit/read_budget.py)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.on_message: Callable[[bytes], None] | None = None
        self.read_budget: ReadBudget | None = None
        self._fragments: list[bytes] = []
        self._unread = memoryview(b"")
        self._yielding = False
        self._text = False
        #: why this client failed the connection over a message it refused, if it did
        self.refused: str | None = None

    def data_received(self, data: bytes) -> None:
        if self.read_budget is None:
            self._feed(data)
            return
        if self._unread:  # arrived while yielding (the transport had it already): keep the order
            self._unread = memoryview(bytes(self._unread) + data)
            return
        self._unread = memoryview(data)
        self._read_slices()

    def _read_slices(self) -> None:
        """Feeds the unread bytes slice by slice until they are done or the budget is spent; then
        the socket pauses and the rest waits for the loop's next turn."""
        budget, unread, spent = self.read_budget, self._unread, False
        assert budget is not None
        while unread and not spent:
            started = perf_counter()
            self._feed(unread[:SLICE_BYTES])
            unread = unread[SLICE_BYTES:]
            spent = budget.spend(perf_counter() - started)
        transport = self.transport
        if transport.is_closing():  # closed or aborted meanwhile: nothing left is read
            self._unread = memoryview(b"")
            return
        self._unread = unread
        if spent:
            if not self._yielding:
                self._yielding = True
                transport.pause_reading()
            self.loop.call_soon(self._read_slices)
        elif self._yielding:
            self._yielding = False
            transport.resume_reading()

    def process_event(self, event: object) -> None:
        on_message = self.on_message
        if on_message is None or not isinstance(event, Frame):
            super().process_event(event)  # the handshake response, or frames before on_message is set
            return
        opcode = event.opcode
        if opcode is Opcode.TEXT or opcode is Opcode.BINARY or opcode is Opcode.CONT:
            if self.refused is not None:
                return
            data = event.data
            if type(data) is not bytes:
                data = bytes(data)
            if opcode is not Opcode.CONT:
                self._text = opcode is Opcode.TEXT
            if not event.fin:
                self._fragments.append(data)
                return
            if self._fragments:
                self._fragments.append(data)
                data = b"".join(self._fragments)
                self._fragments.clear()
            if self._text:
                try:
                    data.decode()
                except UnicodeDecodeError as error:
                    self._fail_invalid_data(error)
                    return
            on_message(data)
            return
        super().process_event(event)

    def _feed(self, data: bytes | memoryview) -> None:
        super().data_received(data)  # type: ignore[arg-type]
        # failed by websockets' parser (a message past max_size, a protocol error): its close frame
        # is out, and a hostile peer may go on sending; drop TCP rather than read and discard it
        if self.protocol.parser_exc is not None and self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def _fail_invalid_data(self, error: UnicodeDecodeError) -> None:
        self.refused = "bad-utf8"
        self.protocol.fail(1007, f"{error.reason} at position {error.start}")
        self.send_data()
        # a client waits for the server to close TCP; a hostile one may not: close it once the frame is out
        if self.transport is not None:
            self.transport.close()


class _Silence:
    """The watchdog of one open socket: one timer per SILENCE_TIMEOUT_MS, re-armed from the time
    of the last data frame, so a busy connection costs no timer per frame."""

    __slots__ = ("_timer", "fired", "last_data")

    def __init__(self) -> None:
        self.last_data = perf_counter()
        self.fired = False
        self._timer: asyncio.TimerHandle | None = None

    def arm(self, timeout_s: float, ws: ClientConnection, on_fire: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()

        def check() -> None:
            idle = perf_counter() - self.last_data
            if idle < timeout_s:
                self._timer = loop.call_later(timeout_s - idle, check)
                return
            self.fired = True
            on_fire()
            # a silent peer may not answer a closing handshake either: drop the TCP connection
            if ws.transport is not None:
                ws.transport.abort()

        self._timer = loop.call_later(timeout_s, check)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


class Connection:
    """One planned connection: its retry budget, and the task that opens, reads and reopens it."""

    __slots__ = ("_budget", "_client", "_planned")

    def __init__(self, client: UpbitClient, planned: PlannedConnection) -> None:
        self._client = client
        self._planned = planned
        self._budget = RetryBudget(client.options.reconnect_max_retries, client.options.reconnect_stable_ms)

    async def run(self) -> None:
        client, planned, o = self._client, self._planned, self._client.options
        await asyncio.sleep(planned.open_after_ms / 1000)
        subscribe = subscribe_message(f"{o.contender}-{planned.index}", o.upbit_channel, planned.codes)
        ws: ClientConnection | None = None
        try:
            while True:
                ws, connect_us, why, rate_limited = await self._open(subscribe)
                open_for_ms: float | None = None
                if ws is not None:
                    opened_at = perf_counter()
                    why = await self._read(ws, connect_us)
                    ws = None
                    if client.closing:
                        return
                    open_for_ms = (perf_counter() - opened_at) * 1000
                verdict = self._budget.drop(open_for_ms)
                if verdict.flap:
                    client.stats.flaps += 1
                if verdict.attempt is None:
                    client.gave_up(planned.index)
                    client.log(f"connection {planned.index} {why}; given up after {self._budget.used} retries")
                    return
                client.stats.reconnects += 1
                delay = backoff_ms(verdict.attempt, o.reconnect_base_ms, rate_limited)
                client.log(
                    f"connection {planned.index} {why}; retry {verdict.attempt}/{o.reconnect_max_retries} in {delay} ms"
                )
                await asyncio.sleep(delay / 1000)
        finally:
            if ws is not None:
                ws.transport.abort()  # cancelled between the handshake and the subscribe

    async def _open(self, subscribe: str) -> tuple[ClientConnection | None, float, str, bool]:
        """Connects and subscribes: (the socket, its connect µs, "", False), or (None, 0, why it
        failed, whether the handshake was answered 429)."""
        o, stats = self._client.options, self._client.stats
        started = perf_counter()
        try:
            ws = await connect(
                o.upbit_ws_url,
                compression="deflate" if o.compression else None,
                open_timeout=o.handshake_timeout_ms / 1000,
                ping_interval=o.ping_interval_ms / 1000,
                ping_timeout=None,
                close_timeout=CLOSE_TIMEOUT_S,
                # past it, websockets fails the connection (1009) from the frame header
                max_size=o.max_frame_bytes,
                create_connection=DirectConnection,
            )
            connect_us = (perf_counter() - started) * 1e6
            await ws.send(subscribe)
        except TimeoutError:
            stats.handshake_timeouts += 1
            return None, 0.0, f"handshake not open within {o.handshake_timeout_ms} ms", False
        except InvalidStatus as error:
            status = error.response.status_code
            if status == 429:
                stats.rate_limited += 1
            return None, 0.0, f"handshake answered HTTP {status}", status == 429
        except ConnectionClosed as error:
            return None, 0.0, f"closed before subscribing ({describe_close(error)})", False
        except (OSError, InvalidHandshake, InvalidURI) as error:
            return None, 0.0, f"connect failed: {error}", False
        return ws, connect_us, "", False

    async def _read(self, ws: ClientConnection, connect_us: float) -> str:
        """Reads one subscribed socket until it drops; returns why it dropped."""
        client, o, index = self._client, self._client.options, self._planned.index
        client.opened(index, ws, connect_us, negotiated(ws))
        silence = _Silence()
        if o.silence_timeout_ms > 0:
            silence.arm(o.silence_timeout_ms / 1000, ws, client.silenced)
        on_frame = client.on_frame

        def on_message(frame: bytes) -> None:
            at = perf_counter()
            if on_frame(frame, at):
                silence.last_data = at

        assert isinstance(ws, DirectConnection)
        ws.on_message = on_message
        ws.read_budget = client.read_budget
        try:
            await ws.wait_closed()
            refused = ws.refused or ("too-large" if isinstance(ws.protocol.parser_exc, PayloadTooBig) else None)
            if refused is not None:
                client.on_refused(refused)
            if silence.fired:
                return f"silent for {o.silence_timeout_ms} ms"
            return f"closed ({describe_close(ws.protocol.close_exc)})"
        finally:
            silence.cancel()
            client.closed(index, ws)


def negotiated(ws: ClientConnection) -> str:
    names = [extension.name for extension in ws.protocol.extensions]
    return ", ".join(names) if names else "none"


def describe_close(error: ConnectionClosed) -> str:
    frame = error.rcvd or error.sent
    if frame is None:
        return "no close frame"
    return f"{frame.code}{' ' + frame.reason if frame.reason else ''}"
