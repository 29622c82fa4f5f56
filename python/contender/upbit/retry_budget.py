"""How many reconnects a connection has left. Each drop uses one attempt; the budget is restored
only by a connection that had stayed open for RECONNECT_STABLE_MS. A drop sooner is a flap and
keeps using up the same budget, so a server that accepts and drops every connection gets
RECONNECT_MAX_RETRIES attempts, not an endless loop. An attempt that never opened uses the
budget too, without being a flap."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DropVerdict:
    #: dropped within RECONNECT_STABLE_MS of opening
    flap: bool
    #: the reconnect attempt to make (1-based), or None: out of retries, give up
    attempt: int | None = None


class RetryBudget:
    __slots__ = ("_max_retries", "_stable_ms", "used")

    def __init__(self, max_retries: int, stable_ms: int) -> None:
        self._max_retries = max_retries
        self._stable_ms = stable_ms
        #: retries spent since the budget last reset
        self.used = 0

    def drop(self, open_for_ms: float | None) -> DropVerdict:
        """A drop; ``open_for_ms`` is how long the connection had been open, None when it never opened."""
        opened = open_for_ms is not None
        flap = open_for_ms is not None and open_for_ms < self._stable_ms
        if opened and not flap:
            self.used = 0  # it had stayed up: a fresh budget for this drop
        if self.used >= self._max_retries:
            return DropVerdict(flap)
        self.used += 1
        return DropVerdict(flap, self.used)
