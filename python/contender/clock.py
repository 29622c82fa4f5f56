"""When the window opens (docs/contenders.md, behaviour 7).

``auto``: the first 10-second wall-clock boundary at least WARMUP_SECONDS after ready, so
contenders started apart still line up on the same instants. ``stdin``: the bench's
``START <epochMs>`` line; a start outside [now − 60 s, now + 1 h] (contract-rules.json) is refused
and the run ends ``failed`` with reason ``bad-start``.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
import time
from functools import partial

from contender import contract

BOUNDARY_MS = contract.timing()["startBoundaryMs"]
_START = re.compile(r"START ([0-9]{1,16})\s*")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def auto_start_ms(ready_ms: int, warmup_s: int, boundary_ms: int = BOUNDARY_MS) -> int:
    """The first multiple of ``boundary_ms`` at or after ready + warm-up."""
    earliest = ready_ms + warmup_s * 1000
    return -(-earliest // boundary_ms) * boundary_ms


def interval_ticks(duration_s: int, period_s: int) -> range:
    """The periodic samples inside a window: k·period while that is under its length. The closing
    sample is taken when the window closes, so a tick never lands on (or past) the end and the
    series never ends with a duplicate, empty entry."""
    return range(1, -(-duration_s // period_s))


def parse_start_line(line: str) -> int | None:
    """``START <epochMs>`` → epoch ms; None for any other line."""
    match = _START.fullmatch(line)
    return int(match[1]) if match else None


def start_in_horizon(start_ms: int, at_ms: int, past_ms: int, future_ms: int) -> bool:
    return at_ms - past_ms <= start_ms <= at_ms + future_ms


class StdinRefused(str):
    """Why stdin is no longer read: a line past the contract's maxLineBytes (a line that never
    ends must not fill memory); the wait then ends as ``bad-start``."""


class StdinLines:
    """stdin lines, read on a daemon thread (a thread blocked in readline must not hold the
    process open at exit, and stdin may be a file or a pipe, which the loop's pipe reader does
    not both handle). The thread reads the file descriptor itself: a daemon thread blocked
    inside sys.stdin's buffered reader holds its lock, and the interpreter aborts at exit when
    it cannot take it. Each line is read with a bound: ``max_line_bytes`` before its newline."""

    def __init__(self, max_line_bytes: int, fd: int | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        source = fd if fd is not None else sys.stdin.fileno()
        threading.Thread(target=self._read, args=(source, max_line_bytes), name="stdin", daemon=True).start()

    def _read(self, fd: int, max_line_bytes: int) -> None:
        put = partial(self._loop.call_soon_threadsafe, self._queue.put_nowait)
        too_long = StdinRefused(f"a stdin line is longer than {max_line_bytes} bytes")
        pending = b""
        try:
            while chunk := os.read(fd, 4096):
                pending += chunk
                while (newline := pending.find(b"\n")) >= 0:
                    line, pending = pending[:newline], pending[newline + 1 :]
                    if len(line) > max_line_bytes:
                        put(too_long)
                        return
                    put(line.decode("utf-8", errors="replace").rstrip("\r"))
                if len(pending) > max_line_bytes:
                    put(too_long)
                    return
        except OSError:
            pass  # stdin closed under us: the same as its end
        if pending:  # the last line may end without a newline
            put(pending.decode("utf-8", errors="replace").rstrip("\r"))
        put(None)

    async def next(self) -> str | None:
        """The next line (a StdinRefused ends the reading); None once stdin is closed."""
        return await self._queue.get()


async def sleep_until_ms(at_ms: int) -> None:
    """Returns at wall-clock ``at_ms``: a timer to within 2 ms, then yields to the loop until the
    instant (a timer alone may fire a millisecond or more late)."""
    wait_s = (at_ms - now_ms()) / 1000 - 0.002
    if wait_s > 0:
        await asyncio.sleep(wait_s)
    while time.time_ns() < at_ms * 1_000_000:
        await asyncio.sleep(0)
