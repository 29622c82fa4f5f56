"""When the window opens (docs/contenders.md, behaviour 7)."""

from __future__ import annotations

from contender import contract
from contender.clock import auto_start_ms, interval_ticks, parse_start_line, start_in_horizon


def test_auto_start_is_the_first_10_s_boundary_at_least_the_warmup_after_ready() -> None:
    assert auto_start_ms(1_764_000_000_001, 10) == 1_764_000_020_000
    assert auto_start_ms(1_764_000_000_000, 10) == 1_764_000_010_000  # exactly on a boundary
    assert auto_start_ms(1_764_000_009_999, 0) == 1_764_000_010_000
    assert auto_start_ms(1_764_000_010_000, 0) == 1_764_000_010_000


def test_start_lines() -> None:
    assert parse_start_line("START 1764000010000") == 1_764_000_010_000
    assert parse_start_line("START 1764000010000 ") == 1_764_000_010_000
    assert parse_start_line("START soon") is None
    assert parse_start_line("GO 1764000010000") is None
    assert parse_start_line(" START 1") is None


def test_the_start_horizon_is_the_contracts() -> None:
    horizon = contract.rules()["startHorizon"]
    now = 1_764_000_000_000
    past, future = horizon["pastMs"], horizon["futureMs"]
    assert start_in_horizon(now - past, now, past, future)
    assert start_in_horizon(now + future, now, past, future)
    assert not start_in_horizon(now - past - 1, now, past, future)
    assert not start_in_horizon(now + future + 1, now, past, future)


def test_ticks_stop_before_the_window_ends_so_the_series_has_no_duplicate_end() -> None:
    assert list(interval_ticks(60, 5)) == list(range(1, 12))  # 5 … 55 s; the close adds 60 s
    assert list(interval_ticks(62, 5)) == list(range(1, 13))  # 5 … 60 s; the close adds 62 s
    assert list(interval_ticks(3, 5)) == []
