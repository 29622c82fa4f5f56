"""Stretches of time with no connection open, for the report's ``longestAllDownMs`` and the
``all-connections-down`` status: the longest such stretch inside the window, however it started
(before the window, or because every connection was given up). Times are perf_counter seconds."""

from __future__ import annotations


class AllDownClock:
    __slots__ = ("_down_since", "_stretches")

    def __init__(self, now: float) -> None:
        #: since when no connection has been open; None while one is
        self._down_since: float | None = now
        self._stretches: list[tuple[float, float]] = []

    def open_count(self, open_now: int, now: float) -> None:
        """The number of open connections changed."""
        if open_now == 0 and self._down_since is None:
            self._down_since = now
        elif open_now > 0 and self._down_since is not None:
            self._stretches.append((self._down_since, now))
            self._down_since = None

    def longest_within(self, start: float, end: float) -> float:
        """The longest stretch inside [start, end] (seconds); one still going counts up to ``end``."""
        stretches = self._stretches
        if self._down_since is not None:
            stretches = [*stretches, (self._down_since, end)]
        return max([0.0, *(min(to, end) - max(since, start) for since, to in stretches)])
