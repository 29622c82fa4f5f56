"""Reconnect delays: base·2^(attempt−1) capped at the contract's backoffCapMs (16 s), ±20 %
jitter so connections dropped together do not come back in lock-step, four times longer after a
429 (Upbit's connection limit answers a flood with 429; hammering it again only extends the ban)."""

from __future__ import annotations

import random as _random
from collections.abc import Callable

from contender import contract

CAP_MS = contract.timing()["backoffCapMs"]
JITTER = contract.rules()["backoff"]["jitter"]
RATE_LIMITED_FACTOR = contract.rules()["backoff"]["rateLimitedFactor"]


def backoff_ms(
    attempt: int, base_ms: int, rate_limited: bool = False, random: Callable[[], float] = _random.random
) -> int:
    """The delay before retry ``attempt`` (1, 2, ...); ``random`` returns [0, 1): 0.5 is no jitter."""
    exponential = min(base_ms * 2 ** (attempt - 1), CAP_MS)
    jitter = 1 + (random() * 2 - 1) * JITTER
    factor = RATE_LIMITED_FACTOR if rate_limited else 1
    return round(exponential * jitter * factor)
