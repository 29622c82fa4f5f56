"""The WebSocket side: one asyncio task per planned connection (websockets' asyncio client).

Each task opens its socket at its planned time, subscribes, and reads until the socket drops;
then it reconnects with backoff (docs/contenders.md, behaviour 3–6):

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

Messages reach ``on_frame`` straight from the connection's ``data_received`` (``_DirectConnection``),
as the other runtimes' ``onmessage`` callbacks do, not through ``recv()``: websockets' protocol
has already parsed, unmasked and decompressed each frame by then, and ``recv()`` would only queue
it in an assembler and wake a task to take it back out (docs/performance.md). Those reads are
fed in slices under one ``ReadBudget``, so a feed faster than the pipeline cannot hold up the
event loop's timers and signal handlers (upbit/read_budget.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from time import perf_counter

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI, PayloadTooBig
from websockets.frames import Frame, Opcode

from contender.metrics.histogram import new_histogram, record
from contender.upbit.backoff import backoff_ms
from contender.upbit.plan import PlannedConnection
from contender.upbit.read_budget import SLICE_BYTES, ReadBudget

# websockets logs every failed handshake and keepalive at ERROR with a traceback; the client
# reports its own one-line reasons instead
logging.getLogger("websockets").setLevel(logging.CRITICAL)

#: the closing handshake at the window's end; a peer that does not answer is not waited for
CLOSE_TIMEOUT_S = 2.0


@dataclass(slots=True)
class ClientOptions:
    url: str
    contender: str
    channel: str
    compression: bool
    ping_interval_ms: int
    handshake_timeout_ms: int
    silence_timeout_ms: int
    max_retries: int
    backoff_base_ms: int
    stable_ms: int
    max_frame_bytes: int


@dataclass(slots=True)
class ClientStats:
    """The report's ``connections`` counters (connect times in an HDR histogram, µs)."""

    planned: int = 0
    opened: int = 0
    reconnects: int = 0
    failed: int = 0
    rate_limited: int = 0
    handshake_timeouts: int = 0
    silence_reconnects: int = 0
    flaps: int = 0
    disconnected_ms: float = 0.0
    #: what each opened socket negotiated: "permessage-deflate" or "none"
    compression: set[str] = field(default_factory=set)
    connect_us: object = field(default_factory=new_histogram)


class _DirectConnection(ClientConnection):
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


class DownTimer:
    """The longest stretch inside the window with no connection open (``longestAllDownMs``)."""

    __slots__ = ("_down_since", "_open", "_window_from", "_window_to", "longest_s")

    def __init__(self) -> None:
        self._open = 0
        self._down_since: float | None = perf_counter()
        self._window_from: float | None = None
        self._window_to: float | None = None
        self.longest_s = 0.0

    def opened(self, now: float) -> None:
        self._open += 1
        if self._open == 1 and self._down_since is not None:
            self._close_stretch(now)
            self._down_since = None

    def closed(self, now: float) -> None:
        self._open -= 1
        if self._open == 0:
            self._down_since = now

    def window_opened(self, now: float) -> None:
        self._window_from = now

    def window_closed(self, now: float) -> None:
        if self._down_since is not None:
            self._close_stretch(now)
        self._window_to = now

    def _close_stretch(self, now: float) -> None:
        if self._window_from is None or self._window_to is not None or self._down_since is None:
            return
        self.longest_s = max(self.longest_s, now - max(self._down_since, self._window_from))


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


class UpbitClient:
    """Opens every planned connection on schedule; ``ready`` is set once each is subscribed or
    given up. ``on_frame(frame, now)`` gets every message as bytes and returns whether it was a
    data frame (status and error frames are not, and do not feed the silence watchdog)."""

    def __init__(
        self,
        plan: Sequence[PlannedConnection],
        options: ClientOptions,
        on_frame: Callable[[bytes, float], bool],
        log: Callable[[str], None],
        on_refused: Callable[[str], None] = lambda reason: None,
    ) -> None:
        self._plan = plan
        self._options = options
        self._on_frame = on_frame
        self._on_refused = on_refused
        self._log = log
        self.stats = ClientStats(planned=len(plan))
        self.down = DownTimer()
        self.ready = asyncio.Event()
        self._read_budget = ReadBudget()
        self._settled: set[int] = set()
        self._live: set[ClientConnection] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        # drop instants of connections not yet back (perf_counter), for disconnectedMs at close
        self._dropped_at: dict[int, float] = {}
        self._opened_at: dict[int, float] = {}
        if not plan:
            self.ready.set()

    @property
    def live(self) -> int:
        """Connections open and subscribed now."""
        return len(self._live)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._run(p), name=f"upbit-{p.index}") for p in self._plan]

    async def close(self) -> None:
        """Stops every connection: open sockets closed (closing handshake, bounded by
        CLOSE_TIMEOUT_S), pending connects and retries cancelled. A connection still down counts
        as disconnected until now."""
        self._closing = True
        now = perf_counter()
        for dropped in self._dropped_at.values():
            self.stats.disconnected_ms += (now - dropped) * 1000
        self._dropped_at.clear()
        await asyncio.gather(*(ws.close() for ws in list(self._live)), return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _settle(self, index: int) -> None:
        """Connection ``index`` subscribed for the first time, or was given up."""
        if index in self._settled:
            return
        self._settled.add(index)
        if len(self._settled) == len(self._plan):
            self.ready.set()

    async def _run(self, planned: PlannedConnection) -> None:
        o = self._options
        await asyncio.sleep(planned.open_after_ms / 1000)
        subscribe = json.dumps(
            [
                {"ticket": f"{o.contender}-{planned.index}"},
                {"type": o.channel, "codes": list(planned.codes)},
                {"format": "DEFAULT"},
            ],
            separators=(",", ":"),
        )
        attempts = 0
        ws: ClientConnection | None = None
        try:
            while True:
                rate_limited = False
                started = perf_counter()
                try:
                    ws = await connect(
                        o.url,
                        compression="deflate" if o.compression else None,
                        open_timeout=o.handshake_timeout_ms / 1000,
                        ping_interval=o.ping_interval_ms / 1000,
                        ping_timeout=None,
                        close_timeout=CLOSE_TIMEOUT_S,
                        # past it, websockets fails the connection (1009) from the frame header
                        max_size=o.max_frame_bytes,
                        create_connection=_DirectConnection,
                    )
                    connect_us = (perf_counter() - started) * 1e6
                    await ws.send(subscribe)
                except TimeoutError:
                    self.stats.handshake_timeouts += 1
                    why = f"handshake not open within {o.handshake_timeout_ms} ms"
                except InvalidStatus as error:
                    status = error.response.status_code
                    if status == 429:
                        rate_limited = True
                        self.stats.rate_limited += 1
                    why = f"handshake answered HTTP {status}"
                except ConnectionClosed as error:
                    why = f"closed before subscribing ({_describe_close(error)})"
                except (OSError, InvalidHandshake, InvalidURI) as error:
                    why = f"connect failed: {error}"
                else:
                    why = await self._subscribed(planned, ws, connect_us)
                    ws = None
                    if self._closing:
                        return
                    if perf_counter() - self._opened_at[planned.index] >= o.stable_ms / 1000:
                        attempts = 0  # it had stayed up: a fresh budget for this drop
                    else:
                        self.stats.flaps += 1
                if attempts >= o.max_retries:
                    self.stats.failed += 1
                    self._log(f"connection {planned.index} {why}; given up after {attempts} retries")
                    self._settle(planned.index)
                    return
                attempts += 1
                self.stats.reconnects += 1
                delay = backoff_ms(attempts, o.backoff_base_ms, rate_limited)
                self._log(f"connection {planned.index} {why}; retry {attempts}/{o.max_retries} in {delay} ms")
                await asyncio.sleep(delay / 1000)
        finally:
            if ws is not None:
                ws.transport.abort()  # cancelled between the handshake and the subscribe

    async def _subscribed(self, planned: PlannedConnection, ws: ClientConnection, connect_us: float) -> str:
        """Reads one subscribed socket until it drops; returns why it dropped."""
        now = perf_counter()
        stats = self.stats
        stats.opened += 1
        record(stats.connect_us, connect_us)
        stats.compression.add(_negotiated(ws))
        dropped = self._dropped_at.pop(planned.index, None)
        if dropped is not None:
            stats.disconnected_ms += (now - dropped) * 1000
        self._opened_at[planned.index] = now
        self._live.add(ws)
        self.down.opened(now)
        self._settle(planned.index)

        silence = _Silence()
        if self._options.silence_timeout_ms > 0:
            silence.arm(self._options.silence_timeout_ms / 1000, ws, self._silenced)
        on_frame = self._on_frame

        def on_message(frame: bytes) -> None:
            at = perf_counter()
            if on_frame(frame, at):
                silence.last_data = at

        assert isinstance(ws, _DirectConnection)
        ws.on_message = on_message
        ws.read_budget = self._read_budget
        try:
            await ws.wait_closed()
            refused = ws.refused or ("too-large" if isinstance(ws.protocol.parser_exc, PayloadTooBig) else None)
            if refused is not None:
                self._on_refused(refused)
            why = (
                f"silent for {self._options.silence_timeout_ms} ms"
                if silence.fired
                else f"closed ({_describe_close(ws.protocol.close_exc)})"
            )
        finally:
            silence.cancel()
            self._live.discard(ws)
            dropped = perf_counter()
            self.down.closed(dropped)
            if not self._closing:
                self._dropped_at[planned.index] = dropped
        return why

    def _silenced(self) -> None:
        self.stats.silence_reconnects += 1


def _negotiated(ws: ClientConnection) -> str:
    names = [extension.name for extension in ws.protocol.extensions]
    return ", ".join(names) if names else "none"


def _describe_close(error: ConnectionClosed) -> str:
    frame = error.rcvd or error.sent
    if frame is None:
        return "no close frame"
    return f"{frame.code}{' ' + frame.reason if frame.reason else ''}"
