"""The process's memory (sampled every second in the window) and CPU (read at its edges).

RSS is the OS's figure, the same on every runtime: /proc/self/statm's resident pages.

"Heap" has no cheap exact answer in CPython: tracemalloc hooks every allocation and slows the hot
path far more than the figure is worth (see python/README.md for the measurement). The report
gives instead what glibc's allocator has handed out and not had back, ``mallinfo2()``'s
``uordblks + hblkhd``: every Python object over 512 bytes (each frame is one), the interpreter's
own buffers, and librdkafka's C heap (its message queue). pymalloc's arenas for small objects are
mmapped directly and are not in it. HEAP_MEANING says so in the report.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import resource
from collections.abc import Callable
from dataclasses import dataclass

HEAP_MEANING = (
    "glibc mallinfo2() uordblks + hblkhd: bytes malloc'd and not freed, process-wide: Python objects over "
    "512 B (every frame), interpreter buffers and librdkafka's C heap; pymalloc's small-object arenas are not "
    "included; not comparable across runtimes"
)

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    """Resident set size: the second field of /proc/self/statm, in pages."""
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * _PAGE


class _Mallinfo2(ctypes.Structure):
    # struct mallinfo2 of glibc ≥ 2.33 (malloc.h): ten size_t fields
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _heap_reader() -> Callable[[], int]:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    mallinfo2 = getattr(libc, "mallinfo2", None)
    if mallinfo2 is None:
        return lambda: 0  # not glibc ≥ 2.33: heap reads 0 and the report's meaning still says what it would be
    mallinfo2.restype = _Mallinfo2
    mallinfo2.argtypes = []

    def read() -> int:
        info = mallinfo2()
        return int(info.uordblks + info.hblkhd)

    return read


heap_bytes = _heap_reader()


def cpu_us() -> tuple[int, int]:
    """User and system CPU of the whole process (every thread, librdkafka's included), µs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_utime * 1e6), round(usage.ru_stime * 1e6)


class Gauge:
    """A sampled gauge: count, mean, min, max."""

    __slots__ = ("_max", "_min", "_sum", "samples")

    def __init__(self) -> None:
        self.samples = 0
        self._sum = 0
        self._min = 0
        self._max = 0

    def add(self, value: int) -> None:
        if self.samples == 0 or value < self._min:
            self._min = value
        if value > self._max:
            self._max = value
        self.samples += 1
        self._sum += value

    def summary(self) -> dict[str, float]:
        if self.samples == 0:
            return {"samples": 0, "avg": 0, "min": 0, "max": 0}
        return {"samples": self.samples, "avg": round(self._sum / self.samples), "min": self._min, "max": self._max}


@dataclass(slots=True)
class MemoryReading:
    rss_bytes: int
    heap_bytes: int


def read_memory() -> MemoryReading:
    return MemoryReading(rss_bytes(), heap_bytes())


class MemorySampler:
    """Samples memory every ``period_s`` on the event loop between start() and stop()."""

    def __init__(self, period_s: float = 1.0) -> None:
        self.rss = Gauge()
        self.heap = Gauge()
        self.last = read_memory()
        self._period_s = period_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.TimerHandle | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._tick()

    def _tick(self) -> None:
        assert self._loop is not None
        self.sample()
        self._timer = self._loop.call_later(self._period_s, self._tick)

    def sample(self) -> MemoryReading:
        self.last = read_memory()
        self.rss.add(self.last.rss_bytes)
        self.heap.add(self.last.heap_bytes)
        return self.last

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
