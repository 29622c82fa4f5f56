"""The contender's configuration, parsed from the contract's env table (schemas/contender-env.json).

Every variable is read from the environment (an empty value counts as unset) and may be given as
a ``--kebab-case`` flag (``--name value`` or ``--name=value``; flags win; an unknown flag is an
error). Types, defaults and bounds come from the table, never from a copy here; the dataclass
below only gives each row a typed attribute, and ``parse`` refuses to run if the two disagree.

A bad value raises ``ConfigError`` with the contract's one line,
``TEST_DURATION (--test-duration) = "1e-9": must be an integer``; the contender exits 2.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contender import contract, redact
from contender.config_values import CHECKERS, Bad

RUNTIME = "python"


class ConfigError(Exception):
    """A bad value, flag or settings file; the message is the one line the contract prescribes."""


@dataclass(frozen=True, slots=True)
class Config:
    """One attribute per row of the env table (``TEST_DURATION`` → ``test_duration``)."""

    contender: str
    test_duration: int
    warmup_seconds: int
    kafka_bootstrap_servers: str
    kafka_topic: str
    kafka_properties: dict[str, str]
    producer_settings: Path
    upbit_rest_url: str
    upbit_ws_url: str
    upbit_channel: str
    ws_compression: str
    markets_limit: int
    markets_per_connection: int
    connect_batch: int
    connect_interval_ms: int
    connect_phase_ms: int
    ping_interval_ms: int
    handshake_timeout_ms: int
    silence_timeout_ms: int
    reconnect_max_retries: int
    reconnect_base_ms: int
    reconnect_stable_ms: int
    max_frame_bytes: int
    start_mode: str
    flush_timeout_ms: int
    startup_timeout_ms: int
    report_dir: Path


def flag_name(env: str) -> str:
    """``TEST_DURATION`` → ``--test-duration`` (src/contract/env.ts flagName)."""
    return "--" + env.lower().replace("_", "-")


def attribute_name(env: str) -> str:
    return env.lower()


def bad_value(name: str, value: str, reason: str) -> ConfigError:
    """The contract's error line: the variable, its flag, the value as given (JSON-quoted), why."""
    return ConfigError(f"{name} ({flag_name(name)}) = {json.dumps(_shown(name, value), ensure_ascii=False)}: {reason}")


def _shown(name: str, value: str) -> str:
    """A value as an error line may print it: secrets in properties and URLs redacted."""
    kind = next((row["type"] for row in contract.env_table() if row["name"] == name), None)
    if kind == "properties":
        return redact.redact_properties_text(value)
    if kind in ("http-url", "ws-url"):
        return redact.redact_url(value)
    return value


# The rows whose default is a description (defaultText) rather than a literal: computed here from
# the values parsed so far and the program's own name.
_DERIVED_DEFAULTS: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "CONTENDER": lambda done, program: program,
    "KAFKA_TOPIC": lambda done, program: f"upbit-ticker-{done['contender']}",
    "PRODUCER_SETTINGS": lambda done, program: contract.DEFAULT_PRODUCER_SETTINGS,
}


def _check_table(rows: Sequence[Mapping[str, Any]]) -> None:
    """The dataclass, the checkers and the derived defaults must cover the table exactly."""
    fields = [f.name for f in dataclasses.fields(Config)]
    names = [attribute_name(row["name"]) for row in rows]
    if fields != names:
        raise RuntimeError(f"contender.config.Config fields {fields} differ from schemas/contender-env.json {names}")
    for row in rows:
        if row["type"] not in CHECKERS:
            raise RuntimeError(f"schemas/contender-env.json: {row['name']} has unknown type {row['type']!r}")
        if "default" not in row and row["name"] not in _DERIVED_DEFAULTS:
            raise RuntimeError(f"schemas/contender-env.json: {row['name']} has no default and none is derived")


def _flags(args: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    by_flag = {flag_name(row["name"]): row["name"] for row in rows}
    given: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        flag, eq, inline = arg.partition("=")
        name = by_flag.get(flag)
        if name is None:
            raise ConfigError(f"unknown option {json.dumps(arg)}; options: {' '.join(by_flag)}; see --help")
        if eq:
            given[name] = inline
        elif i + 1 < len(args):
            i += 1
            given[name] = args[i]
        else:
            raise ConfigError(f"{name} ({flag}): the option needs a value")
        i += 1
    return given


def wants_help(args: Sequence[str]) -> bool:
    """``--help`` or ``-h`` before any ``--`` (src/entry-point.ts wantsHelp)."""
    end = list(args).index("--") if "--" in args else len(args)
    return any(a in ("--help", "-h") for a in args[:end])


def usage() -> str:
    """Every option of the env table: flag, variable, values, default and meaning, in the same
    words as go's internal/config/usage.go and src/contender/usage.ts."""
    lines = ["options (each also an environment variable; flags win):"]
    for row in contract.env_table():
        default = json.dumps(row["default"], ensure_ascii=False) if "default" in row else row.get("defaultText")
        if row["type"] == "int":
            values = f"integer {row['min']}-{row['max']}"
        elif row["type"] == "enum":
            values = "[" + " ".join(row["values"]) + "]"
        else:
            values = row["type"]
        lines.append(f"  {flag_name(row['name'])} ({row['name']}) {values}, default {default}")
        lines.append(f"      {row['meaning']}")
    return "\n".join(lines)


def parse(environ: Mapping[str, str], args: Sequence[str], program: str = RUNTIME) -> Config:
    """Parses the environment and flags into a Config; raises ConfigError on the first bad value.
    ``program`` is the program's own name, CONTENDER's default (``python``, ``python-tuned``)."""
    rows = contract.env_table()
    _check_table(rows)
    given = {row["name"]: environ[row["name"]] for row in rows if environ.get(row["name"], "") != ""}
    given.update(_flags(args, rows))

    done: dict[str, Any] = {}
    for row in rows:
        name = row["name"]
        check = CHECKERS[row["type"]]
        if name in given:
            try:
                value = check(given[name], row)
            except Bad as reason:
                raise bad_value(name, given[name], str(reason)) from None
        elif name in _DERIVED_DEFAULTS:
            value = _DERIVED_DEFAULTS[name](done, program)
        else:
            # literal defaults pass through the same checker: a dir default is created, a
            # "1048576" becomes an int
            value = check(row["default"], row)
        done[attribute_name(name)] = value
    if done["upbit_rest_url"].endswith("/"):
        done["upbit_rest_url"] = done["upbit_rest_url"].rstrip("/")
    return Config(**done)
