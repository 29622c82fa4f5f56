"""The WebSocket side: one asyncio task per planned connection (websockets' asyncio client), each
running its ``Connection`` (upbit/connection.py); this module holds what they share: the
counters, the open sockets, the all-down clock, the read budget, and ``ready``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from time import perf_counter

from websockets.asyncio.client import ClientConnection

from contender.config import Config
from contender.metrics.histogram import new_histogram, record
from contender.upbit.all_down import AllDownClock
from contender.upbit.connection import Connection
from contender.upbit.plan import PlannedConnection
from contender.upbit.read_budget import ReadBudget

# websockets logs every failed handshake and keepalive at ERROR with a traceback; the client
# reports its own one-line reasons instead
logging.getLogger("websockets").setLevel(logging.CRITICAL)


@dataclass(slots=True)
class ClientOptions:
    """The configuration's fields the connections use, under the configuration's names."""

    upbit_ws_url: str
    contender: str
    upbit_channel: str
    compression: bool
    ping_interval_ms: int
    handshake_timeout_ms: int
    silence_timeout_ms: int
    reconnect_max_retries: int
    reconnect_base_ms: int
    reconnect_stable_ms: int
    max_frame_bytes: int

    @classmethod
    def of(cls, c: Config) -> ClientOptions:
        return cls(
            upbit_ws_url=c.upbit_ws_url,
            contender=c.contender,
            upbit_channel=c.upbit_channel,
            compression=c.ws_compression == "on",
            ping_interval_ms=c.ping_interval_ms,
            handshake_timeout_ms=c.handshake_timeout_ms,
            silence_timeout_ms=c.silence_timeout_ms,
            reconnect_max_retries=c.reconnect_max_retries,
            reconnect_base_ms=c.reconnect_base_ms,
            reconnect_stable_ms=c.reconnect_stable_ms,
            max_frame_bytes=c.max_frame_bytes,
        )


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
        connection: type[Connection] = Connection,
    ) -> None:
        self._plan = plan
        self._connection = connection
        self.options = options
        self.on_frame = on_frame
        self.on_refused = on_refused
        self.log = log
        self.stats = ClientStats(planned=len(plan))
        self.all_down = AllDownClock(perf_counter())
        self.ready = asyncio.Event()
        self.read_budget = ReadBudget()
        self.closing = False
        self._settled: set[int] = set()
        self._live: set[ClientConnection] = set()
        self._tasks: list[asyncio.Task[None]] = []
        # drop instants of connections not yet back (perf_counter), for disconnectedMs at close
        self._dropped_at: dict[int, float] = {}
        if not plan:
            self.ready.set()

    @property
    def live(self) -> int:
        """Connections open and subscribed now."""
        return len(self._live)

    def start(self) -> None:
        connection = self._connection
        self._tasks = [asyncio.create_task(connection(self, p).run(), name=f"upbit-{p.index}") for p in self._plan]

    async def close(self) -> None:
        """Stops every connection: open sockets closed (closing handshake, bounded by
        CLOSE_TIMEOUT_S), pending connects and retries cancelled. A connection still down counts
        as disconnected until now."""
        self.closing = True
        now = perf_counter()
        for dropped in self._dropped_at.values():
            self.stats.disconnected_ms += (now - dropped) * 1000
        self._dropped_at.clear()
        await asyncio.gather(*(ws.close() for ws in list(self._live)), return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def opened(self, index: int, ws: ClientConnection, connect_us: float, compression: str) -> None:
        """Connection ``index`` subscribed on ``ws``."""
        now = perf_counter()
        stats = self.stats
        stats.opened += 1
        record(stats.connect_us, connect_us)
        stats.compression.add(compression)
        dropped = self._dropped_at.pop(index, None)
        if dropped is not None:
            stats.disconnected_ms += (now - dropped) * 1000
        self._live.add(ws)
        self.all_down.open_count(len(self._live), now)
        self._settle(index)

    def closed(self, index: int, ws: ClientConnection) -> None:
        """Connection ``index``'s socket ``ws`` is gone."""
        self._live.discard(ws)
        dropped = perf_counter()
        self.all_down.open_count(len(self._live), dropped)
        if not self.closing:
            self._dropped_at[index] = dropped

    def gave_up(self, index: int) -> None:
        """Connection ``index`` is out of retries."""
        self.stats.failed += 1
        self._settle(index)

    def silenced(self) -> None:
        self.stats.silence_reconnects += 1

    def _settle(self, index: int) -> None:
        """Connection ``index`` subscribed for the first time, or was given up."""
        if index in self._settled:
            return
        self._settled.add(index)
        if len(self._settled) == len(self._plan):
            self.ready.set()
