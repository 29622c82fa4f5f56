"""The contract's machine-readable copies in ``schemas/`` (generated from src/contract by set-up).

They are read from the repository at run time, never copied here, so the contender cannot drift
from the contract: the env table, the rules (exit codes, status thresholds, caps) and the JSON
Schemas of the report and the ``@bench`` lines.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


def _find_root(start: Path) -> Path:
    # walk up rather than a fixed ../.. so python/tests and python/contender both find it
    for directory in (start, *start.parents):
        if (directory / "config" / "producer-settings.json").is_file() and (directory / "schemas").is_dir():
            return directory
    raise RuntimeError(f"no repository root (config/producer-settings.json and schemas/) above {start}")


ROOT = _find_root(Path(__file__).resolve().parent)
SCHEMAS = ROOT / "schemas"
DEFAULT_PRODUCER_SETTINGS = ROOT / "config" / "producer-settings.json"


@cache
def _load(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def env_table() -> list[dict[str, Any]]:
    """The rows of src/contract/env.ts: name, type, default, min, max, values, meaning."""
    return _load("contender-env.json")["variables"]


def rules() -> dict[str, Any]:
    """src/contract/rules.ts: exit codes, status thresholds, market caps, START horizon, samples."""
    return _load("contract-rules.json")


def timing() -> dict[str, int]:
    """src/contract/rules.ts TIMING: startBoundaryMs, metricsIntervalMs, backoffCapMs, queueFullGiveUpMs."""
    return rules()["timing"]


def channels() -> list[str]:
    """src/contract/rules.ts CHANNELS: the UPBIT_CHANNEL values."""
    return rules()["channels"]


def report_schema() -> dict[str, Any]:
    return _load("report.schema.json")


def events_schema() -> dict[str, Any]:
    return _load("events.schema.json")


def exit_code(name: str) -> int:
    """An exit code by its name in the rules: complete, config, broker, markets, degraded, ..."""
    return int(rules()["exit"][name])
