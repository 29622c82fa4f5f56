"""python-tuned's recorder: delivery reports kept raw (no lock) and recorded in batches on the
event loop come to the same figures as the as-shipped recorder's, each report exactly once."""

from __future__ import annotations

import threading
import time
from functools import partial
from time import perf_counter

from confluent_kafka import KafkaError, Message

from contender import contract
from contender.metrics.histogram import summarize
from contender.metrics.recorder import Recorder
from contender.metrics.recorder_tuned import TunedRecorder

SAMPLES = contract.rules()["invalidSamples"]


def feed(recorder: Recorder, n: int = 1000) -> None:
    """Frames produced and their reports served, as a run does: every 50th fails."""
    now = perf_counter() - 0.005
    sent_ms = int(time.time() * 1000) - 5
    for seq in range(1, n + 1):
        recorder.received += 1
        recorder.produced += 1
        recorder.processing.record_value(3) if type(recorder) is Recorder else recorder.processing_raw.append(3e-6)
        report = partial(recorder.window_delivered, now - seq * 1e-6, sent_ms, 700)
        if seq % 50 == 0:
            report(KafkaError(KafkaError._MSG_TIMED_OUT), Message(topic="t"))
        else:
            report(None, Message(topic="t", latency=(seq % 97) / 1e4))
    for seq in range(10):
        recorder.warmup_produced += 1
        recorder.warmup_delivered_cb(None if seq else KafkaError(KafkaError._MSG_TIMED_OUT), Message(topic="t"))


def test_the_figures_match_the_as_shipped_recorder() -> None:
    shipped, tuned = Recorder(SAMPLES["max"], SAMPLES["bytes"]), TunedRecorder(SAMPLES["max"], SAMPLES["bytes"])
    feed(shipped)
    feed(tuned)
    tuned.settle()
    for name in ("delivered", "failed", "delivered_bytes", "errors_by_code", "warmup_delivered", "warmup_failed"):
        assert getattr(tuned, name) == getattr(shipped, name), name
    assert tuned.in_flight == shipped.in_flight == 0
    assert summarize(tuned.kafka_ack) == summarize(shipped.kafka_ack)
    assert summarize(tuned.processing) == summarize(shipped.processing)
    for name in ("pipeline", "exchange_to_ack"):
        a, b = summarize(getattr(tuned, name)), summarize(getattr(shipped, name))
        assert a["count"] == b["count"] == 980, name
        # clocks read at other instants: both at least the 5 ms each frame waited before its report
        assert 5_000 <= a["p50Us"] < 1_000_000 and 5_000 <= b["p50Us"] < 1_000_000, name


def test_reports_wait_for_the_batch_and_the_interval_drains_them() -> None:
    recorder = TunedRecorder(SAMPLES["max"], SAMPLES["bytes"])
    recorder.produced = 2
    for _ in range(2):
        partial(recorder.window_delivered, perf_counter(), 0, 10)(None, Message(topic="t", latency=0.001))
    assert recorder.delivered == 0  # held raw until the event loop records a batch
    sample = recorder.interval(5000, 1, 1)
    assert sample["delivered"] == 2 and recorder.pipeline.get_total_count() == 2
    assert recorder.exchange_to_ack.get_total_count() == 0  # a frame with no timestamp has no exchange→ack


def test_reports_appended_by_another_thread_while_batches_drain_are_each_counted_once() -> None:
    recorder = TunedRecorder(SAMPLES["max"], SAMPLES["bytes"])
    n = 50_000
    recorder.produced = n
    message = Message(topic="t", latency=0.001)

    def poll_thread() -> None:
        for _ in range(n):
            recorder.window_delivered(perf_counter(), 1, 1, None, message)

    thread = threading.Thread(target=poll_thread)
    thread.start()
    while thread.is_alive():
        recorder.drain()
    thread.join()
    recorder.settle()
    assert recorder.delivered == n and recorder.pipeline.get_total_count() == n and recorder.in_flight == 0
