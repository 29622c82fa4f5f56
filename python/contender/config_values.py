"""How each type of the env table is spelled (docs/contenders.md, "Value syntax"): one checker per
type, from the raw string and its table row to the typed value, or ``Bad`` with the reason.
Bounds, enum values and defaults are the table's, never restated here."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from contender import redact


class Bad(Exception):
    """A reason; turned into config.bad_value(...) with the name and value by the caller."""


# [0-9], not \d: \d also matches other scripts' digits, which are not "decimal digits" here
_INTEGER = re.compile(r"-?[0-9]+")
_HOSTPORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\s,:\[\]]+):([0-9]{1,5})")
_TOPIC = re.compile(r"[A-Za-z0-9._-]{1,249}")


def _int(raw: str, row: Mapping[str, Any]) -> int:
    if not _INTEGER.fullmatch(raw):
        raise Bad("must be an integer")
    value = int(raw)
    if not row["min"] <= value <= row["max"]:
        raise Bad(f"must be between {row['min']} and {row['max']}")
    return value


def _enum(raw: str, row: Mapping[str, Any]) -> str:
    if raw not in row["values"]:
        raise Bad(f"must be one of {', '.join(row['values'])}")
    return raw


def _string(raw: str, row: Mapping[str, Any]) -> str:
    if not raw:
        raise Bad("must not be empty")
    return raw


def _name(raw: str, row: Mapping[str, Any]) -> str:
    # fullmatch: Python's `$` would also accept a trailing newline
    if not re.fullmatch(row["pattern"].removeprefix("^").removesuffix("$"), raw):
        raise Bad(f"must match {row['pattern']}")
    return raw


def _hostports(raw: str, row: Mapping[str, Any]) -> str:
    for item in raw.split(","):
        match = _HOSTPORT.fullmatch(item)
        if not match or not 1 <= int(match[2]) <= 65535:
            raise Bad("must be host:port[,host:port...] with every port 1–65535")
    return raw


def _topic(raw: str, row: Mapping[str, Any]) -> str:
    # Kafka's own rule (kafka.common.internals.Topic): also not "." or ".."
    if not _TOPIC.fullmatch(raw) or raw in (".", ".."):
        raise Bad("must be a legal Kafka topic name ([A-Za-z0-9._-], 1 to 249 characters, not . or ..)")
    return raw


def _properties(raw: str, row: Mapping[str, Any]) -> dict[str, str]:
    """Items are trimmed and empty ones skipped; each needs a non-empty key."""
    properties: dict[str, str] = {}
    for index, item in enumerate(raw.split(",")):
        item = item.strip()
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise Bad(redact.not_key_value_reason(raw, index))
        properties[key.strip()] = value.strip()
    # librdkafka would accept a consumer's property and ignore it: the report would state a
    # setting that never took effect
    for key in properties:
        if redact.is_consumer_only_property(key):
            raise Bad(f"{key} is a consumer property: a producer ignores it")
    return properties


def _url(schemes: tuple[str, ...], kind: str) -> Callable[[str, Mapping[str, Any]], str]:
    def check(raw: str, row: Mapping[str, Any]) -> str:
        try:
            parts = urlsplit(raw)
            _ = parts.port  # raises ValueError for a port outside 0–65535 or not a number
        except ValueError:
            raise Bad(f"must be {kind} URL") from None
        if parts.scheme not in schemes or not parts.hostname:
            raise Bad(f"must be {kind} URL")
        return raw

    return check


def _file(raw: str, row: Mapping[str, Any]) -> Path:
    path = Path(raw)
    if not os.access(path, os.R_OK):
        raise Bad("cannot be read")
    if not path.is_file():
        raise Bad("must be a file")
    return path


def _dir(raw: str, row: Mapping[str, Any]) -> Path:
    path = Path(raw)
    try:
        path.mkdir(parents=True, exist_ok=True)
        # a real write: os.access says yes for root on a read-only mount
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as error:
        raise Bad(f"must be a writable directory ({error.strerror or error})") from None
    return path


CHECKERS: dict[str, Callable[[str, Mapping[str, Any]], Any]] = {
    "int": _int,
    "enum": _enum,
    "string": _string,
    "name": _name,
    "hostports": _hostports,
    "topic": _topic,
    "properties": _properties,
    "http-url": _url(("http", "https"), "an http(s)"),
    "ws-url": _url(("ws", "wss"), "a ws(s)"),
    "file": _file,
    "dir": _dir,
}
