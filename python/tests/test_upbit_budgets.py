"""The retry budget and the all-down clock: the same cases as src/contender/upbit/retry-budget.test.ts
and all-down.test.ts (the module map of docs/architecture.md)."""

from __future__ import annotations

from contender.upbit.all_down import AllDownClock
from contender.upbit.retry_budget import DropVerdict, RetryBudget


def test_a_connection_that_drops_right_after_every_open_gives_up_after_max_retries() -> None:
    budget = RetryBudget(3, 10_000)
    assert [budget.drop(5) for _ in range(4)] == [
        DropVerdict(True, 1),
        DropVerdict(True, 2),
        DropVerdict(True, 3),
        DropVerdict(True),
    ]


def test_a_drop_after_stable_ms_open_restores_the_whole_budget() -> None:
    budget = RetryBudget(2, 1000)
    assert budget.drop(10) == DropVerdict(True, 1)
    assert budget.drop(10) == DropVerdict(True, 2)
    assert budget.drop(1000) == DropVerdict(False, 1)


def test_attempts_that_never_open_use_the_budget_without_being_flaps() -> None:
    budget = RetryBudget(2, 1000)
    assert [budget.drop(None) for _ in range(3)] == [DropVerdict(False, 1), DropVerdict(False, 2), DropVerdict(False)]


def test_stable_ms_0_every_drop_of_an_open_connection_restores_the_budget() -> None:
    budget = RetryBudget(1, 0)
    assert [budget.drop(0) for _ in range(3)] == [DropVerdict(False, 1)] * 3


def test_max_retries_0_the_first_drop_gives_up() -> None:
    assert RetryBudget(0, 1000).drop(5000) == DropVerdict(False)


def test_only_the_part_of_a_stretch_inside_the_window_counts() -> None:
    clock = AllDownClock(0)
    clock.open_count(1, 1000)  # down 0..1000, before the window
    clock.open_count(0, 4000)
    clock.open_count(2, 7000)  # down 4000..7000, half inside
    clock.open_count(0, 9000)
    clock.open_count(1, 9500)
    assert clock.longest_within(5500, 20_000) == 1500
    assert clock.longest_within(0, 20_000) == 3000


def test_a_stretch_still_going_at_the_end_counts_up_to_the_end() -> None:
    clock = AllDownClock(0)
    clock.open_count(3, 100)
    clock.open_count(2, 200)
    clock.open_count(0, 1000)
    assert clock.longest_within(500, 6000) == 5000


def test_never_opened_the_whole_window() -> None:
    assert AllDownClock(0).longest_within(10_000, 70_000) == 60_000


def test_always_open_zero() -> None:
    clock = AllDownClock(0)
    clock.open_count(1, 0)
    assert clock.longest_within(10, 20) == 0
