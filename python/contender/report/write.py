"""Validates a report against schemas/report.schema.json and writes it (atomically, so the bench
never reads half a file, and never through a link planted at its path) to
``{REPORT_DIR}/{contender}_performance_report.json``.

The validator is built at start-up: a missing or broken schema fails before any connection, and
jsonschema's import and compile stay out of the window's CPU figure.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from contender import contract


class ReportInvalid(Exception):
    """The report breaks the schema: a bug in this contender, never written."""


class ReportWriter:
    def __init__(self, directory: Path, contender: str) -> None:
        self.path = directory / f"{contender}_performance_report.json"
        schema = contract.report_schema()
        Draft202012Validator.check_schema(schema)
        self._validator = Draft202012Validator(schema)

    def validate(self, report: dict[str, Any]) -> None:
        errors = sorted(self._validator.iter_errors(report), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(part) for part in errors[0].absolute_path) or "(root)"
            raise ReportInvalid(
                f"report breaks schemas/report.schema.json at {where}: {errors[0].message} ({len(errors)} error(s))"
            )

    def write(self, report: dict[str, Any]) -> Path:
        self.validate(report)
        write_file_atomic(self.path, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return self.path


def write_file_atomic(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path``, never through a link planted there: a new file in the same
    directory, created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW), then renamed over ``path``.
    rename(2) replaces a link itself, never its target (src/atomic-write.ts, go/internal/report/write.go)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
