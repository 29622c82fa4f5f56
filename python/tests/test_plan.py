"""The connection plan and reconnect backoff (docs/contenders.md, behaviour 3 and 5)."""

from __future__ import annotations

from contender.upbit.backoff import CAP_MS, backoff_ms
from contender.upbit.plan import first_batch_delay_ms, plan_connections


def codes(n: int) -> list[str]:
    return [f"KRW-C{i}" for i in range(n)]


def test_250_markets_at_15_per_connection_need_17_connections_in_list_order() -> None:
    plan = plan_connections(codes(250), 15, 2, 2000)
    assert len(plan) == 17
    assert len(plan[-1].codes) == 10
    assert [p.index for p in plan] == list(range(17))
    assert [c for p in plan for c in p.codes] == codes(250)


def test_536_markets_open_two_every_two_seconds() -> None:
    plan = plan_connections(codes(536), 15, 2, 2000)
    assert len(plan) == 36
    assert [p.open_after_ms for p in plan[:5]] == [0, 0, 2000, 2000, 4000]
    assert plan[-1].open_after_ms == 34_000


def test_an_empty_list_plans_nothing() -> None:
    assert plan_connections([], 15, 2, 2000) == []


def test_with_a_phase_every_batch_opens_on_an_instant_congruent_to_it() -> None:
    now = 1_764_000_000_700
    plan = plan_connections(codes(90), 15, 2, 2000, phase_ms=300, now_ms=now)
    instants = [now + p.open_after_ms for p in plan]
    assert all(t % 2000 == 300 for t in instants)
    assert instants[0] == 1_764_000_002_300  # the first such instant from now
    assert [p.open_after_ms for p in plan] == [1600, 1600, 3600, 3600, 5600, 5600]


def test_phase_edge_cases() -> None:
    assert first_batch_delay_ms(1_000, 2000, -1) == 0  # -1: at once
    assert first_batch_delay_ms(2_300, 2000, 300) == 0  # now is such an instant
    assert first_batch_delay_ms(2_300, 2000, 2300) == 0  # a phase ≥ interval is taken modulo it
    assert first_batch_delay_ms(2_301, 0, 300) == 0  # no interval: every instant qualifies


def test_backoff_doubles_from_the_base_and_is_capped_at_16_s() -> None:
    no_jitter = lambda: 0.5  # noqa: E731
    assert [backoff_ms(a, 1000, random=no_jitter) for a in range(1, 7)] == [1000, 2000, 4000, 8000, 16000, CAP_MS]
    assert backoff_ms(30, 1000, random=no_jitter) == CAP_MS


def test_backoff_jitter_stays_within_20_percent() -> None:
    assert backoff_ms(2, 1000, random=lambda: 0.0) == 1600
    assert backoff_ms(2, 1000, random=lambda: 0.999999) == 2400


def test_a_429_backs_off_four_times_longer() -> None:
    assert backoff_ms(1, 1000, rate_limited=True, random=lambda: 0.5) == 4000
    assert backoff_ms(6, 1000, rate_limited=True, random=lambda: 0.5) == 4 * CAP_MS
