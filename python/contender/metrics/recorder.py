"""The counters and latency histograms of one run.

Two threads write here. The event loop counts frames in and records processing time; the
producer's poll thread runs the delivery callbacks. Everything a delivery touches (and a produce
error, which also counts as failed) is guarded by ``lock``; the loop takes it only to read those
figures, every 5 s and at the end. A message carries its own timestamps into its delivery
callback (see pipeline.py), so nothing is shared per message between the threads.
"""

from __future__ import annotations

import threading
import time
from time import perf_counter
from typing import Any

from confluent_kafka import KafkaError, Message

from contender.metrics.histogram import new_histogram, percentile, record


class Recorder:
    def __init__(self, max_invalid_samples: int, sample_bytes: int) -> None:
        self._max_samples = max_invalid_samples
        self._sample_bytes = sample_bytes
        # --- the event loop's: frames in ---
        self.received = 0
        self.bytes_received = 0
        self.invalid = 0
        self.produced = 0
        self.queue_full_retries = 0
        self.before_ready = 0
        self.status_frames = 0
        self.error_frames: dict[str, int] = {}
        self.invalid_samples: list[dict[str, Any]] = []
        self.processing = new_histogram()
        self.warmup_received = 0
        self.warmup_produced = 0
        # --- under lock: deliveries (poll thread) and failures ---
        self.lock = threading.Lock()
        self.delivered = 0
        self.delivered_bytes = 0
        self.failed = 0
        #: the part of ``failed`` that never reached librdkafka (refused produce calls)
        self.produce_errors = 0
        self.errors_by_code: dict[str, int] = {}
        self.warmup_delivered = 0
        self.warmup_failed = 0
        self.kafka_ack = new_histogram()
        self.pipeline = new_histogram()
        self.exchange_to_ack = new_histogram()
        self._interval_pipeline = new_histogram()
        # --- the 5-second series (event loop) ---
        self.intervals: list[dict[str, float]] = []
        self._last_offset_ms = 0.0
        self._last_received = 0
        self._last_delivered = 0

    # --- event loop ---

    def invalid_frame(self, reason: str, frame: bytes) -> None:
        self.invalid += 1
        if len(self.invalid_samples) < self._max_samples:
            text = frame[: self._sample_bytes].decode("utf-8", "replace")
            self.invalid_samples.append({"reason": reason, "frame": text, "bytes": len(frame)})

    def error_frame(self, name: str) -> None:
        self.error_frames[name] = self.error_frames.get(name, 0) + 1

    def produce_error(self, name: str, warmup: bool) -> None:
        """A produce call librdkafka refused (not a full queue, which is retried)."""
        with self.lock:
            self._book_produce_error(name, warmup)

    def _book_produce_error(self, name: str, warmup: bool) -> None:
        """The counters of a refused produce, under whatever guards them."""
        if warmup:
            self.warmup_failed += 1
            return
        self.failed += 1
        self.produce_errors += 1
        self.errors_by_code[name] = self.errors_by_code.get(name, 0) + 1

    def settle(self) -> None:
        """Every delivery report served so far in the figures (called once the poll thread has
        stopped). Here each was recorded as it came: nothing is held back."""

    @property
    def in_flight(self) -> int:
        """Window messages produced whose delivery report has not been served: from the same
        counters the reports update, so delivered + failed + in flight = the valid frames."""
        with self.lock:
            return self.produced - self.delivered - (self.failed - self.produce_errors)

    def interval(self, offset_ms: float, rss_bytes: int, heap_bytes: int) -> dict[str, float]:
        """Closes an interval of the series: counts so far, rates and pipeline p99 over it."""
        fresh = new_histogram()
        with self.lock:
            delivered, failed = self.delivered, self.failed
            window, self._interval_pipeline = self._interval_pipeline, fresh
        seconds = max((offset_ms - self._last_offset_ms) / 1000, 1e-9)
        sample = {
            "offsetMs": round(offset_ms),
            "received": self.received,
            "delivered": delivered,
            "failed": failed,
            "receivedPerSec": round((self.received - self._last_received) / seconds, 1),
            "deliveredPerSec": round((delivered - self._last_delivered) / seconds, 1),
            "pipelineP99Us": percentile(window, 99),
            "rssBytes": rss_bytes,
            "heapBytes": heap_bytes,
        }
        self.intervals.append(sample)
        self._last_offset_ms, self._last_received, self._last_delivered = offset_ms, self.received, delivered
        return sample

    # --- delivery callbacks (poll thread, or whichever thread serves the queue) ---

    def window_delivered(
        self, in_at: float, exchange_ms: int, size: int, error: KafkaError | None, message: Message
    ) -> None:
        """Delivery report of a window message: ``in_at`` (perf_counter when its frame came in),
        the frame's own timestamp (ms, 0 if none) and its size are bound at produce time."""
        now = perf_counter()
        if error is not None:
            name = error.name()
            with self.lock:
                self.failed += 1
                self.errors_by_code[name] = self.errors_by_code.get(name, 0) + 1
            return
        # librdkafka's own produce() → delivery-report latency, read when the report is served
        ack_s = message.latency()
        wall_ms = time.time() * 1000 if exchange_ms else 0.0
        pipeline_us = (now - in_at) * 1e6
        with self.lock:
            self.delivered += 1
            self.delivered_bytes += size
            if ack_s is not None:
                record(self.kafka_ack, ack_s * 1e6)
            record(self.pipeline, pipeline_us)
            record(self._interval_pipeline, pipeline_us)
            if exchange_ms:
                record(self.exchange_to_ack, (wall_ms - exchange_ms) * 1000)

    def warmup_delivered_cb(self, error: KafkaError | None, message: Message) -> None:
        """Delivery report of a warm-up message: counted in ``warmup`` only, whenever it comes."""
        with self.lock:
            if error is None:
                self.warmup_delivered += 1
            else:
                self.warmup_failed += 1
