"""Validates a report against schemas/report.schema.json and writes it (atomically, so the bench
never reads half a file) to ``{REPORT_DIR}/{contender}_performance_report.json``.

The validator is built at start-up: a missing or broken schema fails before any connection, and
jsonschema's import and compile stay out of the window's CPU figure.
"""

from __future__ import annotations

import json
import os
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
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)
        return self.path
