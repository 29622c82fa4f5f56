"""Status and reasons (src/contract/rules.ts via contract-rules.json)."""

from __future__ import annotations

import dataclasses

from contender import contract
from contender.report.status import WarmupBooks, WindowFigures, judge

RULES = contract.rules()["status"]
CLEAN = WindowFigures(
    received=10_000,
    invalid=10,
    delivered=9_990,
    failed=0,
    in_flight=0,
    warmup=WarmupBooks(received=500, produced=500, delivered=500, failed=0),
    target_ms=60_000,
    measured_ms=60_000.4,
    longest_all_down_ms=0,
    connections_given_up=0,
)


def status_of(**changes: object) -> tuple[str, list[str]]:
    status, reasons = judge(dataclasses.replace(CLEAN, **changes), RULES)
    return status, [reason["code"] for reason in reasons]


def test_a_clean_run_is_complete_with_no_reasons() -> None:
    assert status_of() == ("complete", [])


def test_invalid_frames_alone_change_nothing() -> None:
    assert status_of(invalid=5_000, delivered=5_000) == ("complete", [])


def test_undelivered_up_to_one_percent_degrades_and_beyond_fails() -> None:
    valid = CLEAN.received - CLEAN.invalid
    assert status_of(delivered=valid - 1, in_flight=1) == ("degraded", ["undelivered"])
    assert status_of(delivered=valid - valid // 100, failed=valid // 100) == ("degraded", ["undelivered"])
    assert status_of(delivered=valid - valid // 100 - 1, in_flight=valid // 100 + 1) == ("failed", ["undelivered"])


def test_nothing_received_or_delivered_fails() -> None:
    assert status_of(received=0, invalid=0, delivered=0) == ("failed", ["no-messages"])
    assert status_of(delivered=0, in_flight=9_990) == ("failed", ["none-delivered", "undelivered"])


def test_all_connections_down_for_min_of_10_s_and_half_the_window_fails() -> None:
    assert status_of(longest_all_down_ms=9_999) == ("complete", [])
    assert status_of(longest_all_down_ms=10_000) == ("failed", ["all-connections-down"])
    assert status_of(target_ms=10_000, measured_ms=10_000, longest_all_down_ms=5_000) == (
        "failed",
        ["all-connections-down"],
    )
    assert status_of(target_ms=10_000, measured_ms=10_000, longest_all_down_ms=4_999) == ("complete", [])


def test_given_up_connections_and_a_short_window_degrade() -> None:
    assert status_of(connections_given_up=1) == ("degraded", ["connections-given-up"])
    assert status_of(measured_ms=58_999) == ("degraded", ["short-window"])
    assert status_of(measured_ms=61_000) == ("complete", [])


def test_reasons_come_in_the_contracts_order() -> None:
    # a degraded reason before a failed one when the contract lists it first (as go and bun do)
    assert status_of(delivered=9_980) == ("failed", ["undelivered", "unbalanced"])


def test_failed_reasons_come_before_degraded_ones() -> None:
    assert status_of(delivered=0, failed=9_990, connections_given_up=2, measured_ms=1) == (
        "failed",
        ["none-delivered", "undelivered", "connections-given-up", "short-window"],
    )


def test_books_that_do_not_balance_fail() -> None:
    # issue 25: go after a leader failover reported every frame delivered and 1 still in flight
    assert status_of(received=1_023, invalid=0, delivered=1_023, in_flight=1) == ("failed", ["unbalanced"])
    assert status_of(delivered=9_980) == ("failed", ["undelivered", "unbalanced"])
    assert status_of(delivered=9_985, failed=3, in_flight=2) == ("degraded", ["undelivered"])


def test_the_warm_up_books_must_balance_too() -> None:
    assert status_of(warmup=WarmupBooks(received=500, produced=400, delivered=450, failed=0)) == (
        "failed",
        ["unbalanced"],
    )
    assert status_of(warmup=WarmupBooks(received=500, produced=500, delivered=500, failed=1)) == (
        "failed",
        ["unbalanced"],
    )
    # invalid frames and produce errors leave room: received ≥ produced + failed
    assert status_of(warmup=WarmupBooks(received=500, produced=480, delivered=470, failed=15)) == ("complete", [])


def test_unbalanced_books_are_spelled_out() -> None:
    _, reasons = judge(dataclasses.replace(CLEAN, received=1_023, invalid=0, delivered=1_023, in_flight=1), RULES)
    assert reasons == [
        {
            "code": "unbalanced",
            "message": "window: delivered 1023 + failed 0 + in flight 1 = 1024, "
            "not the 1023 valid frames (received 1023 − invalid 0)",
        }
    ]


def test_an_interrupted_run_keeps_its_reasons() -> None:
    status, reasons = judge(dataclasses.replace(CLEAN, measured_ms=20_000), RULES, interrupted=True)
    assert status == "interrupted"
    assert [r["code"] for r in reasons] == ["short-window"]
    assert all(r["message"] for r in reasons)


def test_a_refused_start_fails_with_bad_start_alone() -> None:
    status, reasons = judge(dataclasses.replace(CLEAN, received=0), RULES, bad_start="START 1 is outside")
    assert (status, reasons) == ("failed", [{"code": "bad-start", "message": "START 1 is outside"}])
