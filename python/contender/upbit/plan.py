"""The connection plan: the markets in list order, ``per_connection`` codes per WebSocket, opened
``batch`` at a time with ``interval_ms`` between batches (Upbit allows 5 new connections per
second per IP). With a phase ≥ 0 every batch opens at a wall-clock instant t with
t mod interval = phase, so contenders given different phases never open in the same instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlannedConnection:
    index: int
    codes: tuple[str, ...]
    #: when to open it, ms after the moment of planning
    open_after_ms: int


def first_batch_delay_ms(now_ms: int, interval_ms: int, phase_ms: int) -> int:
    """ms from ``now_ms`` to the first instant t ≥ now with t mod interval = phase mod interval.

    -1 means "at once". A phase of ``interval`` or more is taken modulo the interval (the
    contract's bounds allow it; the instants it names are the same); with an interval of 0 every
    instant qualifies, so the first batch also opens at once.
    """
    if phase_ms < 0 or interval_ms == 0:
        return 0
    return (phase_ms % interval_ms - now_ms % interval_ms) % interval_ms


def plan_connections(
    codes: Sequence[str],
    per_connection: int,
    batch: int,
    interval_ms: int,
    phase_ms: int = -1,
    now_ms: int = 0,
) -> list[PlannedConnection]:
    first = first_batch_delay_ms(now_ms, interval_ms, phase_ms)
    return [
        PlannedConnection(
            index=index,
            codes=tuple(codes[start : start + per_connection]),
            open_after_ms=first + (index // batch) * interval_ms,
        )
        for index, start in enumerate(range(0, len(codes), per_connection))
    ]
