"""Report assembly: what a run recorded becomes a report that validates against
schemas/report.schema.json, and a report that breaks it is never written."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from time import perf_counter

import pytest
from confluent_kafka import KafkaError, Message
from hdrh.histogram import HdrHistogram

from contender import contract
from contender.config import parse
from contender.kafka.stats import summarize_stats
from contender.metrics.histogram import percentile
from contender.metrics.recorder import Recorder
from contender.metrics.resources import HEAP_MEANING, Gauge, read_memory
from contender.report.build import RunFacts, build_report
from contender.report.host import host_info
from contender.report.status import WarmupBooks, WindowFigures, judge
from contender.report.write import ReportInvalid, ReportWriter
from contender.upbit.all_down import AllDownClock
from contender.upbit.client import ClientStats

STATS_SAMPLE = json.dumps(
    {
        "brokers": {
            "127.0.0.1:9092/1": {
                "nodeid": 1,
                "tx": 100,
                "int_latency": {"p50": 10, "p99": 20, "cnt": 5},
                "outbuf_latency": {"p50": 1, "p99": 2, "cnt": 5},
                "rtt": {"p50": 300, "p99": 900, "cnt": 5},
            },
            "GroupCoordinator": {"nodeid": -1, "tx": 7},
        },
        "topics": {"t": {"batchsize": {"avg": 2000, "cnt": 3}, "batchcnt": {"avg": 4, "cnt": 3}}},
    }
)


def recorded_run() -> Recorder:
    """A recorder fed the way a run feeds it: frames in, produced, delivery reports."""
    samples = contract.rules()["invalidSamples"]
    recorder = Recorder(samples["max"], samples["bytes"])
    now = perf_counter()
    for seq in range(1, 101):
        recorder.received += 1
        recorder.bytes_received += 700
        recorder.produced += 1
        callback = partial(recorder.window_delivered, now, 1_764_000_000_000 + seq, 700)
        if seq == 100:
            callback(KafkaError(KafkaError._MSG_TIMED_OUT), Message(topic="t"))
        else:
            callback(None, Message(topic="t", latency=0.004))
    recorder.received += 1
    recorder.invalid_frame("not-json", b"\xff" * 300)
    recorder.warmup_received, recorder.warmup_produced = 20, 20
    for _ in range(20):
        recorder.warmup_delivered_cb(None, Message(topic="t"))
    recorder.before_ready = 3
    recorder.status_frames = 1
    recorder.error_frame("NO_TICKET")
    recorder.interval(5000.2, 50_000_000, 9_000_000)
    return recorder


def facts(tmp_path: Path, recorder: Recorder) -> RunFacts:
    config = parse({"REPORT_DIR": str(tmp_path), "TEST_DURATION": "10"}, [])
    gauge = Gauge()
    gauge.add(read_memory().rss_bytes)
    client = ClientStats(planned=2, opened=3, reconnects=1, flaps=1, disconnected_ms=1234.5)
    client.compression.add("none")
    client.connect_us.record_value(1500)
    status, reasons = judge(
        WindowFigures(
            received=recorder.received,
            invalid=recorder.invalid,
            delivered=recorder.delivered,
            failed=recorder.failed,
            in_flight=recorder.in_flight,
            warmup=WarmupBooks(
                recorder.warmup_received, recorder.warmup_produced, recorder.warmup_delivered, recorder.warmup_failed
            ),
            target_ms=10_000,
            measured_ms=10_000.2,
            longest_all_down_ms=0,
            connections_given_up=0,
        ),
        contract.rules()["status"],
    )
    return RunFacts(
        config=config,
        status=status,
        status_reasons=reasons,
        runtime={
            "name": "python",
            "version": "CPython",
            "websocket": "websockets",
            "kafkaBinding": "ck",
            "heapMeaning": HEAP_MEANING,
        },
        librdkafka_version="2.15.1",
        host=host_info(),
        producer_settings={"acks": "all"},
        codes=["KRW-BTC", "BTC-ETH"],
        by_quote={"KRW": 1, "BTC": 1},
        ready_at_ms=1_764_000_000_000,
        start_ms=1_764_000_010_000,
        opened_at_ms=1_764_000_010_000.4,
        closed_at_ms=1_764_000_020_000.6,
        cpu_user_us=400_000,
        cpu_system_us=100_000,
        cpu_wall_ms=10_500,
        client=client,
        longest_all_down_ms=0,
        recorder=recorder,
        rss=gauge,
        heap=gauge,
        librdkafka_stats=summarize_stats([STATS_SAMPLE, "not json"]),
    )


def test_a_recorded_run_builds_a_report_that_validates_and_is_written(tmp_path: Path) -> None:
    report = build_report(facts(tmp_path, recorded_run()))
    writer = ReportWriter(tmp_path, "python")
    path = writer.write(report)
    assert path == tmp_path / "python_performance_report.json"
    assert json.loads(path.read_text()) == report
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_report_carries_the_runs_figures(tmp_path: Path) -> None:
    report = build_report(facts(tmp_path, recorded_run()))
    assert report["schemaVersion"] == 2
    # 1 of 100 valid frames not delivered: within 1 %, so degraded rather than failed
    assert (report["status"], [r["code"] for r in report["statusReasons"]]) == ("degraded", ["undelivered"])
    messages = report["messages"]
    assert (messages["received"], messages["invalid"], messages["produced"]) == (101, 1, 100)
    assert (messages["delivered"], messages["failed"], messages["inFlightAtEnd"]) == (99, 1, 0)
    assert messages["errorsByCode"] == {"_MSG_TIMED_OUT": 1}
    assert messages["invalidSamples"] == [{"reason": "not-json", "frame": "\ufffd" * 200, "bytes": 300}]
    assert (messages["beforeReady"], messages["statusFrames"], messages["errorFrames"]) == (3, 1, {"NO_TICKET": 1})
    assert report["warmup"] == {
        "targetS": 10,
        "durationMs": 10_000.4,
        "received": 20,
        "produced": 20,
        "delivered": 20,
        "failed": 0,
    }
    # 4000 µs sits in a 2-µs bucket (2048–4095 at 3 digits): HDR reads its highest equivalent value
    assert report["latency"]["kafkaAck"]["p50Us"] == 4001
    assert report["latency"]["pipeline"]["count"] == 99
    assert report["timing"]["measuredDurationMs"] == 10_000.2
    assert report["timing"]["startLagMs"] == 0.4
    assert report["cpu"]["usPerDeliveredMessage"] == round(500_000 / 99, 2)
    assert report["connections"]["compression"] == "none"
    assert report["connections"]["disconnectedMs"] == 1234
    assert report["librdkafkaStats"]["samples"] == 1
    assert report["librdkafkaStats"]["rttP99Us"] == 900
    assert report["librdkafkaStats"]["requests"] == 0  # one sample: no growth measured
    assert report["reliability"]["failedByCode"] == {"_MSG_TIMED_OUT": 1}
    assert report["intervals"][0]["offsetMs"] == 5000


def test_the_report_carries_the_window_histograms_its_summaries_were_read_from(tmp_path: Path) -> None:
    latency = build_report(facts(tmp_path, recorded_run()))["latency"]
    assert set(latency["histograms"]) == {"processing", "kafkaAck", "pipeline", "exchangeToAck"}
    for name, encoded in latency["histograms"].items():
        decoded = HdrHistogram.decode(encoded)
        summary = latency[name]
        assert (decoded.get_total_count(), percentile(decoded, 99)) == (summary["count"], summary["p99Us"]), name
    assert latency["pipeline"]["count"] == 99


def test_a_report_that_breaks_the_schema_is_refused(tmp_path: Path) -> None:
    report = build_report(facts(tmp_path, recorded_run()))
    report["status"] = "splendid"
    writer = ReportWriter(tmp_path, "python")
    with pytest.raises(ReportInvalid, match="at status"):
        writer.write(report)
    assert not (tmp_path / "python_performance_report.json").exists()


def test_down_time_counts_only_inside_the_window() -> None:
    down = AllDownClock(0.0)
    down.open_count(1, 1.0)
    down.open_count(0, 2.0)  # all down from 2.0 ... (the window opens at 5.0)
    down.open_count(1, 8.0)  # 3 s inside the window
    down.open_count(0, 9.0)
    down.open_count(1, 9.5)  # 0.5 s
    down.open_count(0, 10.0)  # down from 10.0 to the close (14.0): 4 s
    down.open_count(1, 20.0)  # after the window: not counted
    assert down.longest_within(5.0, 14.0) == pytest.approx(4.0)
