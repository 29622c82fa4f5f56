"""The console protocol: every machine line validates against schemas/events.schema.json."""

from __future__ import annotations

import io
import json

from jsonschema import Draft202012Validator

from contender import contract
from contender.progress import EVENT_PREFIX, Out

VALIDATOR = Draft202012Validator(contract.events_schema())


def machine_lines(text: str) -> list[dict]:
    return [json.loads(line[len(EVENT_PREFIX) :]) for line in text.splitlines() if line.startswith(EVENT_PREFIX)]


def test_the_metrics_line_is_a_schema_event_and_a_human_line() -> None:
    stream = io.StringIO()
    out = Out("python", stream)
    sample = {
        "offsetMs": 5000,
        "received": 10,
        "delivered": 9,
        "failed": 0,
        "receivedPerSec": 2.0,
        "deliveredPerSec": 1.8,
        "pipelineP99Us": 2100,
        "rssBytes": 52_000_000,
        "heapBytes": 1,
    }
    out.metrics(sample)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[python] metrics t=5s received=10")
    (event,) = machine_lines(stream.getvalue())
    assert event["event"] == "metrics" and "heapBytes" not in event
    VALIDATOR.validate(event)


def test_every_event_shape_the_contender_prints_validates() -> None:
    stream = io.StringIO()
    out = Out("python", stream)
    out.event({"event": "ready", "contender": "python", "connections": 36, "markets": 536, "atMs": 1764000000000})
    out.event({"event": "warmup", "fromMs": 1764000000000, "startMs": 1764000020000})
    out.event({"event": "start", "startMs": 1764000020000})
    out.event({"event": "end", "endMs": 1764000080000})
    out.event({"event": "report", "path": "reports/python_performance_report.json", "status": "complete"})
    out.event({"event": "error", "message": "Kafka at 127.0.0.1:1 unreachable"})
    events = machine_lines(stream.getvalue())
    assert len(events) == 6
    for event in events:
        VALIDATOR.validate(event)
    assert stream.getvalue().splitlines()[0] == (
        '@bench {"event":"ready","contender":"python","connections":36,"markets":536,"atMs":1764000000000}'
    )
