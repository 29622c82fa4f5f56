"""The window's own clock: when it opens (auto, or the START line, refused outside the horizon),
an interval sample and its metrics line every 5 s after it opens, a human progress line every
10 s, and the last sample when it closes (never a second one at the same offset)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from contender import clock, contract
from contender.config import Config
from contender.metrics.recorder import Recorder
from contender.metrics.resources import MemorySampler
from contender.progress import Out
from contender.startup import UntilClosing
from contender.upbit.client import ClientStats

METRICS_PERIOD_S = contract.timing()["metricsIntervalMs"] // 1000
PROGRESS_EVERY = 2  # metrics periods: a human progress line every 10 s


@dataclass(slots=True)
class Window:
    """The window's instants: wall-clock ms for the report, perf_counter for durations."""

    ready_at_ms: int
    start_ms: int = 0
    bad_start: str | None = None
    was_open: bool = False
    opened_at_ms: float = 0.0
    opened: float = 0.0
    closed: float = 0.0
    flushed: float = 0.0
    cpu_at_open: tuple[int, int] = (0, 0)
    cpu_at_flushed: tuple[int, int] = (0, 0)


class MeasuringWindow:
    """The ticks of one open window, from ``opened`` (perf_counter) on."""

    def __init__(
        self, opened: float, duration_s: int, recorder: Recorder, memory: MemorySampler, client: ClientStats, out: Out
    ) -> None:
        self._opened = opened
        self._duration_s = duration_s
        self._recorder = recorder
        self._memory = memory
        self._client = client
        self._out = out
        self._ticker = asyncio.create_task(self._tick())

    def _sample(self, offset_ms: float) -> dict[str, float]:
        last = self._memory.last
        sample = self._recorder.interval(offset_ms, last.rss_bytes, last.heap_bytes)
        self._out.metrics(sample)
        return sample

    async def _tick(self) -> None:
        """Every 5 s of the window: an interval sample and the metrics line; every 10 s progress."""
        loop = asyncio.get_running_loop()
        base = loop.time() - (perf_counter() - self._opened)  # the window's open on the loop's clock
        for n in clock.interval_ticks(self._duration_s, METRICS_PERIOD_S):
            await asyncio.sleep(max(base + n * METRICS_PERIOD_S - loop.time(), 0))
            offset_ms = (perf_counter() - self._opened) * 1000
            sample = self._sample(offset_ms)
            if n % PROGRESS_EVERY == 0:
                self._out.progress(
                    offset_ms,
                    self._duration_s,
                    sample["received"],
                    sample["delivered"],
                    sample["failed"],
                    self._recorder.invalid,
                    self._client.reconnects,
                )

    def close(self, closed: float) -> None:
        """The window closed at ``closed`` (perf_counter): no more ticks; the series ends there."""
        self._ticker.cancel()
        closed_offset_ms = (closed - self._opened) * 1000
        intervals = self._recorder.intervals
        if not intervals or intervals[-1]["offsetMs"] != round(closed_offset_ms):
            # the closing interval gets its metrics line too, as on the other runtimes
            self._sample(closed_offset_ms)


async def window_start(
    config: Config, ready_at_ms: int, until_closing: UntilClosing, interrupted: Callable[[], bool]
) -> tuple[int, str | None]:
    """(start ms, None), or (ready ms, why) when the START line is refused; (ready ms, None) when
    a signal came first."""
    if config.start_mode == "auto":
        return clock.auto_start_ms(ready_at_ms, config.warmup_seconds), None
    rules: dict[str, Any] = contract.rules()
    horizon, limits = rules["startHorizon"], rules["stdin"]
    lines = clock.StdinLines(limits["maxLineBytes"])
    ignored = 0
    while True:
        line = await until_closing(lines.next())
        if interrupted():
            return ready_at_ms, None
        if line is None:
            return ready_at_ms, "stdin closed before a START line arrived"
        if isinstance(line, clock.StdinRefused):
            return ready_at_ms, str(line)
        start = clock.parse_start_line(line)
        if start is None:
            ignored += 1
            if ignored > (most := limits["maxIgnoredLines"]):
                return ready_at_ms, f'more than {most} stdin lines that are not "START <epochMs>"'
            shown = json.dumps(line, ensure_ascii=False)
            print(f'[{config.contender}] ignoring stdin line {shown}: expected "START <epochMs>"', file=sys.stderr)
            continue
        now = clock.now_ms()
        if not clock.start_in_horizon(start, now, horizon["pastMs"], horizon["futureMs"]):
            return (
                ready_at_ms,
                f"START {start} is outside [now − {horizon['pastMs']} ms, now + {horizon['futureMs']} ms] (now {now})",
            )
        return start, None
