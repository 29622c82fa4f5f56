"""The run's status and its reasons, by the rules of src/contract/rules.ts (contract-rules.json).

Every rule is checked over the window's figures, and every reason that applies is listed in the
rules' order; the status is the worst of them. ``lost`` = valid frames received in the window
and not delivered by the end of the flush. ``interrupted`` (SIGINT/SIGTERM) wins over the rest
and keeps their reasons. A refused START (``bad-start``) means no window was opened, so no other
rule is judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contender import contract


@dataclass(frozen=True, slots=True)
class WarmupBooks:
    """The warm-up's own counts (it has no invalid or in-flight figure)."""

    received: int
    produced: int
    delivered: int
    failed: int


@dataclass(frozen=True, slots=True)
class WindowFigures:
    received: int
    invalid: int
    delivered: int
    #: failed deliveries and produce errors
    failed: int
    #: produced, with no delivery report by the end of the flush
    in_flight: int
    warmup: WarmupBooks
    target_ms: float
    measured_ms: float
    longest_all_down_ms: float
    connections_given_up: int


def judge(
    figures: WindowFigures,
    status_rules: dict[str, Any],
    *,
    interrupted: bool = False,
    bad_start: str | None = None,
) -> tuple[str, list[dict[str, str]]]:
    """Returns (status, statusReasons)."""
    if bad_start is not None:
        return ("interrupted" if interrupted else "failed"), [{"code": "bad-start", "message": bad_start}]
    f = figures
    failed: list[dict[str, str]] = []
    degraded: list[dict[str, str]] = []
    valid = f.received - f.invalid
    lost = max(valid - f.delivered, 0)

    if f.received == 0:
        failed.append(_reason("no-messages", "0 frames received in the window"))
    elif f.delivered == 0:
        failed.append(_reason("none-delivered", f"0 of {valid} valid frames delivered"))
    if lost > 0:
        fraction = lost / valid
        message = f"{lost} of {valid} valid frames ({fraction:.3%}) not delivered by the end of the flush"
        limit = status_rules["failUndeliveredFraction"]
        (failed if fraction > limit else degraded).append(
            _reason("undelivered", f"{message} (failed above {limit:.0%})")
        )
    down_limit = min(status_rules["failAllDownMs"], status_rules["failAllDownWindowFraction"] * f.target_ms)
    if f.longest_all_down_ms >= down_limit:
        failed.append(
            _reason(
                "all-connections-down",
                f"no connection open for {f.longest_all_down_ms:.0f} ms in one stretch (limit {down_limit:.0f} ms)",
            )
        )
    books = _unbalanced(f)
    if books:
        failed.append(_reason("unbalanced", books))
    if f.connections_given_up > 0:
        degraded.append(
            _reason("connections-given-up", f"{f.connections_given_up} connection(s) used up their retries")
        )
    off_ms = f.measured_ms - f.target_ms
    if abs(off_ms) > status_rules["degradeAccuracyMs"]:
        degraded.append(
            _reason(
                "short-window",
                f"measured window {f.measured_ms:.0f} ms, target {f.target_ms:.0f} ms (off by {off_ms:+.0f} ms)",
            )
        )

    # the contract's order of codes, as on every runtime (not failed ones first)
    order = contract.rules()["statusCodes"]
    reasons = sorted(failed + degraded, key=lambda r: order.index(r["code"]))
    if interrupted:
        return "interrupted", reasons
    return ("failed" if failed else "degraded" if degraded else "complete"), reasons


def _unbalanced(f: WindowFigures) -> str | None:
    """How the report's counts contradict each other (rules.ts ``unbalanced``), or None."""
    valid = f.received - f.invalid
    accounted = f.delivered + f.failed + f.in_flight
    if accounted != valid:
        return (
            f"window: delivered {f.delivered} + failed {f.failed} + in flight {f.in_flight} = {accounted}, "
            f"not the {valid} valid frames (received {f.received} − invalid {f.invalid})"
        )
    w = f.warmup
    if w.delivered + w.failed > w.received:
        return f"warm-up: delivered {w.delivered} + failed {w.failed} exceeds the {w.received} frames received"
    if w.delivered > w.produced:
        return f"warm-up: delivered {w.delivered} exceeds the {w.produced} produced"
    return None


def _reason(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}
