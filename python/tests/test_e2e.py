"""The real contender against a real broker and the project's local feed, read back from Kafka.

Each test starts ``python -m contender`` as the bench would (from the repository root, config in
the environment, START on stdin) with a short window, then checks its exit code, its ``@bench``
lines against events.schema.json, its report against report.schema.json, and the topic itself:
as many records as were delivered (window + warm-up), seq 1..N without gaps, the headers, and no
invalid frame among them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, TopicPartition
from jsonschema import Draft202012Validator

from contender import contract
from contender.progress import EVENT_PREFIX
from contender.report.write import ReportWriter
from contender.upbit.frame_check import FrameChecker
from contender.upbit.markets import fetch_markets
from tests.processes import Feed, start_feed, stop

# the conformance tier: `bun run test --unit` leaves these out (-m "not integration")
pytestmark = pytest.mark.integration

EVENTS = Draft202012Validator(contract.events_schema())
#: a run that has not exited by then is killed and the test fails
RUN_LIMIT_S = 120


@dataclass
class Run:
    """A finished contender run: exit code, machine events, human lines, stderr, report."""

    code: int
    events: list[dict[str, Any]]
    lines: list[str]
    stderr: str
    report_dir: Path
    name: str = "python"
    kinds: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.kinds = [e["event"] for e in self.events]

    def report(self) -> dict[str, Any]:
        return json.loads((self.report_dir / f"{self.name}_performance_report.json").read_text())


def run_contender(
    env: dict[str, str],
    report_dir: Path,
    *,
    start_after_ms: int | None = 1500,
    start_line: str | None = None,
    signal_after_start_s: float | None = None,
    program: tuple[str, str] = ("contender", "python"),
) -> Run:
    """Runs the contender to its end. With START_MODE=stdin it answers the ready event with
    ``START now+start_after_ms`` (or ``start_line``); ``signal_after_start_s`` sends SIGTERM
    that long after the start event. ``program``: the entry module and the name it reports under."""
    base = {k: v for k, v in os.environ.items() if k not in {row["name"] for row in contract.env_table()}}
    proc = subprocess.Popen(
        [sys.executable, "-m", program[0]],
        cwd=contract.ROOT,
        env={**base, "REPORT_DIR": str(report_dir), **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killer = threading.Timer(RUN_LIMIT_S, proc.kill)
    killer.start()
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(proc.stderr or []), daemon=True)
    reader.start()
    events: list[dict[str, Any]] = []
    lines: list[str] = []
    try:
        assert proc.stdout is not None and proc.stdin is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if not line.startswith(EVENT_PREFIX):
                continue
            event = json.loads(line[len(EVENT_PREFIX) :])
            EVENTS.validate(event)
            events.append(event)
            if event["event"] == "ready" and env.get("START_MODE") == "stdin":
                proc.stdin.write(start_line or f"START {time.time_ns() // 1_000_000 + (start_after_ms or 0)}\n")
                proc.stdin.flush()
            if event["event"] == "start" and signal_after_start_s is not None:
                threading.Timer(signal_after_start_s, proc.send_signal, (signal.SIGTERM,)).start()
        code = proc.wait()
    finally:
        killer.cancel()
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    assert code != -signal.SIGKILL, f"the contender ran past {RUN_LIMIT_S} s and was killed:\n" + "\n".join(lines[-20:])
    return Run(code, events, lines, "".join(stderr), report_dir, program[1])


def base_env(kafka_bootstrap: str, feed: Feed, **extra: str) -> dict[str, str]:
    return {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "KAFKA_TOPIC": f"python-e2e-{uuid.uuid4().hex[:10]}",
        "UPBIT_REST_URL": feed.rest_url,
        "UPBIT_WS_URL": feed.ws_url,
        "CONNECT_INTERVAL_MS": "50",
        "START_MODE": "stdin",
        "WARMUP_SECONDS": "1",
        "TEST_DURATION": "6",
        **extra,
    }


def read_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every record of ``topic``: the high watermarks say how many there are, then a consumer
    reads exactly those."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"python-e2e-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        expected = 0
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            expected += high - low
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        records: list[Any] = []
        deadline = time.monotonic() + 60
        while len(records) < expected and time.monotonic() < deadline:
            for message in consumer.consume(1000, timeout=1):
                assert message.error() is None, message.error()
                records.append(message)
        assert len(records) == expected, f"read {len(records)} of the {expected} records in {topic}"
        return records
    finally:
        consumer.close()


@pytest.mark.parametrize(
    "program", [("contender", "python"), ("contender.main_tuned", "python-tuned")], ids=["python", "python-tuned"]
)
def test_a_run_delivers_every_valid_frame_once_in_seq_order(
    kafka_bootstrap: str, feed: Feed, tmp_path: Path, program: tuple[str, str]
) -> None:
    name = program[1]
    env = base_env(kafka_bootstrap, feed)
    run = run_contender(env, tmp_path, program=program)
    assert run.code == 0, run.stderr + "\n".join(run.lines[-20:])
    assert run.kinds[:4] == ["ready", "warmup", "start", "metrics"]
    assert run.kinds[-2:] == ["end", "report"]
    # one metrics line per interval of the report, the closing one included (the live view's 60/60)
    lines = [e for e in run.events if e["event"] == "metrics"]
    assert [e["offsetMs"] for e in lines] == [i["offsetMs"] for i in run.report()["intervals"]]
    ready, warmup, start = run.events[:3]
    assert (ready["contender"], ready["markets"], ready["connections"]) == (name, 536, 36)
    assert warmup["fromMs"] == ready["atMs"] and start["startMs"] == warmup["startMs"]
    assert run.events[-1] == {
        "event": "report",
        "path": str(tmp_path / f"{name}_performance_report.json"),
        "status": "complete",
    }

    report = run.report()
    ReportWriter(tmp_path, name).validate(report)
    messages, warm = report["messages"], report["warmup"]
    assert report["status"] == "complete" and report["statusReasons"] == []
    assert report["timing"]["startMs"] == start["startMs"]
    assert abs(report["timing"]["accuracyMs"]) < 1000
    # the feed sends every 97th message malformed: counted, sampled, never produced
    assert messages["invalid"] > 0 and messages["invalidSamples"]
    assert messages["received"] - messages["invalid"] == messages["produced"] == messages["delivered"]
    assert messages["failed"] == messages["inFlightAtEnd"] == 0
    assert warm["produced"] == warm["delivered"] > 0
    # the feed offers permessage-deflate as Upbit does, and WS_COMPRESSION defaults to on
    assert report["connections"]["opened"] == 36 and report["connections"]["compression"] == "permessage-deflate"
    assert report["latency"]["pipeline"]["count"] == messages["delivered"]

    records = read_topic(kafka_bootstrap, env["KAFKA_TOPIC"])
    assert len(records) == messages["delivered"] + warm["delivered"]
    check = FrameChecker(asyncio.run(fetch_markets(feed.rest_url, 5000)), "ticker", 1 << 20).check
    seqs = []
    for record in records:
        headers = dict(record.headers())
        seq = int(headers["seq"])
        seqs.append(seq)
        assert headers["contender"] == name.encode()
        assert headers["phase"] == (b"warmup" if seq <= warm["produced"] else b"window")
        verdict, key, _ = check(record.value())
        assert verdict is None and key == record.key()
    assert sorted(seqs) == list(range(1, len(records) + 1))


def test_sigterm_closes_the_window_flushes_and_reports_interrupted(
    kafka_bootstrap: str, feed: Feed, tmp_path: Path
) -> None:
    env = base_env(kafka_bootstrap, feed, TEST_DURATION="60", MARKETS_LIMIT="60")
    run = run_contender(env, tmp_path, signal_after_start_s=1.5)
    assert run.code == contract.exit_code("SIGTERM")
    assert run.kinds[-2:] == ["end", "report"] and run.events[-1]["status"] == "interrupted"
    report = run.report()
    assert report["status"] == "interrupted"
    assert "short-window" in [r["code"] for r in report["statusReasons"]]
    assert 1000 < report["timing"]["measuredDurationMs"] < 10_000
    assert report["messages"]["delivered"] == report["messages"]["produced"] > 0
    records = read_topic(kafka_bootstrap, env["KAFKA_TOPIC"])
    assert len(records) == report["messages"]["delivered"] + report["warmup"]["delivered"]


def test_a_start_outside_the_horizon_fails_with_bad_start(kafka_bootstrap: str, feed: Feed, tmp_path: Path) -> None:
    run = run_contender(base_env(kafka_bootstrap, feed, MARKETS_LIMIT="15"), tmp_path, start_line="START 1000\n")
    assert run.code == contract.exit_code("failed")
    report = run.report()
    assert (report["status"], [r["code"] for r in report["statusReasons"]]) == ("failed", ["bad-start"])
    assert "start" not in run.kinds and run.kinds[-2:] == ["end", "report"]


@pytest.fixture
def dropping_feed() -> Iterator[Feed]:
    """A feed that closes every connection 1.5 s after it subscribed, every time."""
    proc, feed = start_feed("--rate", "300", "--seed", "5", "--drop-after-ms", "1500")
    try:
        yield feed
    finally:
        stop(proc)


def test_drops_after_a_stable_stretch_reconnect_with_a_fresh_budget(
    kafka_bootstrap: str, dropping_feed: Feed, tmp_path: Path
) -> None:
    env = base_env(
        kafka_bootstrap,
        dropping_feed,
        MARKETS_LIMIT="30",
        RECONNECT_BASE_MS="50",
        RECONNECT_STABLE_MS="1000",
        RECONNECT_MAX_RETRIES="1",
    )
    run = run_contender(env, tmp_path)
    report = run.report()
    connections = report["connections"]
    assert run.code == 0, report["statusReasons"]
    assert connections["reconnects"] >= 4 and connections["flaps"] == 0 and connections["failed"] == 0
    assert connections["opened"] == 2 + connections["reconnects"]
    assert connections["disconnectedMs"] > 0
    records = read_topic(kafka_bootstrap, env["KAFKA_TOPIC"])
    assert sorted(int(dict(r.headers())["seq"]) for r in records) == list(range(1, len(records) + 1))


def test_flaps_use_up_the_budget_and_connections_are_given_up(
    kafka_bootstrap: str, dropping_feed: Feed, tmp_path: Path
) -> None:
    # drops 1.5 s after each subscribe, within the default 10-s stable stretch: every drop is a
    # flap, the one retry is never given back, and both connections are given up about 3 s in,
    # leaving the rest of the 6-s window with no connection open
    env = base_env(
        kafka_bootstrap, dropping_feed, MARKETS_LIMIT="30", RECONNECT_BASE_MS="50", RECONNECT_MAX_RETRIES="1"
    )
    run = run_contender(env, tmp_path)
    report = run.report()
    connections = report["connections"]
    assert run.events[0]["connections"] == 2
    assert (connections["flaps"], connections["reconnects"], connections["failed"], connections["opened"]) == (
        4,
        2,
        2,
        4,
    )
    assert run.code == contract.exit_code("failed")
    assert [r["code"] for r in report["statusReasons"]] == ["all-connections-down", "connections-given-up"]
    assert connections["longestAllDownMs"] >= 3000


def test_startup_failures_exit_with_their_codes_and_write_no_report(
    kafka_bootstrap: str, feed: Feed, tmp_path: Path
) -> None:
    env = base_env(kafka_bootstrap, feed)
    bad = run_contender({**env, "TEST_DURATION": "1e3"}, tmp_path)
    assert (bad.code, bad.stderr, bad.lines) == (2, 'TEST_DURATION (--test-duration) = "1e3": must be an integer\n', [])

    rejected = run_contender({**env, "KAFKA_PROPERTIES": "no.such.property=1"}, tmp_path)
    assert rejected.code == contract.exit_code("config")
    assert rejected.events[0]["message"].startswith(
        'KAFKA_PROPERTIES (--kafka-properties) = "no.such.property=1": librdkafka rejects no.such.property=1: '
        "No such configuration property"
    )

    broker = run_contender({**env, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "STARTUP_TIMEOUT_MS": "1000"}, tmp_path)
    assert broker.code == contract.exit_code("broker")
    assert broker.kinds == ["error"] and "Kafka at 127.0.0.1:1 unreachable" in broker.events[0]["message"]

    markets = run_contender({**env, "UPBIT_REST_URL": "http://127.0.0.1:1", "STARTUP_TIMEOUT_MS": "2000"}, tmp_path)
    assert markets.code == contract.exit_code("markets")
    assert markets.kinds == ["error"] and "GET http://127.0.0.1:1/v1/market/all" in markets.events[0]["message"]
    assert not (tmp_path / "python_performance_report.json").exists()
