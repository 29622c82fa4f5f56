"""The python-tuned contender's recorder: the same counters and histograms as ``Recorder``, filled
in batches instead of per message.

The as-shipped recorder does all of a delivery's work in its callback, on the poll thread: three
clock reads (perf_counter, the message's latency, the wall clock), a lock, and four pure-Python
HDR records, 4.4–5.0 µs per report (issue 26's review). Here the callback does the least a report
needs: one clock read, the message's latency, and one ``deque.append`` of the raw values, which is
atomic under the GIL, so no lock is taken. The event loop turns the raw values into counts and
histograms in batches (``drain``): every BATCH frames it produced, at every 5-s interval and once
at the end (``settle``). A batch is recorded grouped by value (``record_many``), so a latency that
many messages share costs one record, not one each.

Which thread writes what: the poll thread only appends to ``_acks`` and ``_warmup_acks``; every
counter and histogram is the event loop's, so none needs the lock.
"""

from __future__ import annotations

import time
from collections import deque
from time import perf_counter
from typing import Any

from confluent_kafka import KafkaError, Message

from contender.metrics.histogram import record_many
from contender.metrics.recorder import Recorder

#: frames produced between two batches: bounds the raw values held (a few MB at any rate) and the
#: event loop's time per batch (a few ms)
BATCH = 4096


class TunedRecorder(Recorder):
    def __init__(self, max_invalid_samples: int, sample_bytes: int) -> None:
        super().__init__(max_invalid_samples, sample_bytes)
        #: (served at, frame in at, exchange ms, size, librdkafka's latency s, error) per window report
        self._acks: deque[tuple[float, float, int, int, float | None, KafkaError | None]] = deque()
        #: the error (None: delivered) per warm-up report
        self._warmup_acks: deque[KafkaError | None] = deque()
        #: frame in → produce returned, seconds, per window message (event loop only)
        self.processing_raw: list[float] = []
        acks_append, warmup_append, clock = self._acks.append, self._warmup_acks.append, perf_counter

        def window_delivered(
            in_at: float, exchange_ms: int, size: int, error: KafkaError | None, message: Message
        ) -> None:
            acks_append((clock(), in_at, exchange_ms, size, message.latency(), error))

        def warmup_delivered(error: KafkaError | None, message: Message) -> None:
            warmup_append(error)

        # instance attributes in place of the base's methods: the pipeline binds these as callbacks
        self.window_delivered = window_delivered  # type: ignore[method-assign]
        self.warmup_delivered_cb = warmup_delivered  # type: ignore[method-assign]

    def drain(self) -> None:
        """Records what came in since the last batch: the processing times, then every report the
        poll thread has appended (popleft from the other end than its appends: thread-safe)."""
        processing = self.processing_raw
        if processing:
            record_many(self.processing, [s * 1e6 for s in processing])
            processing.clear()
        self._drain_warmup()
        acks = self._acks
        n = len(acks)
        if n == 0:
            return
        popleft = acks.popleft
        # the wall clock read once per batch: exchange→ack = (served, on the wall clock) − the frame's timestamp
        wall_minus_perf_ms = time.time() * 1000 - perf_counter() * 1000
        kafka_ack: list[float] = []
        pipeline: list[float] = []
        exchange_to_ack: list[float] = []
        delivered = delivered_bytes = 0
        for _ in range(n):
            served, in_at, exchange_ms, size, latency_s, error = popleft()
            if error is not None:
                name = error.name()
                self.failed += 1
                self.errors_by_code[name] = self.errors_by_code.get(name, 0) + 1
                continue
            delivered += 1
            delivered_bytes += size
            if latency_s is not None:
                kafka_ack.append(latency_s * 1e6)
            pipeline.append((served - in_at) * 1e6)
            if exchange_ms:
                exchange_to_ack.append((served * 1000 + wall_minus_perf_ms - exchange_ms) * 1000)
        self.delivered += delivered
        self.delivered_bytes += delivered_bytes
        record_many(self.kafka_ack, kafka_ack)
        record_many(self.pipeline, pipeline)
        record_many(self._interval_pipeline, pipeline)
        record_many(self.exchange_to_ack, exchange_to_ack)

    def _drain_warmup(self) -> None:
        acks = self._warmup_acks
        popleft = acks.popleft
        for _ in range(len(acks)):
            if popleft() is None:
                self.warmup_delivered += 1
            else:
                self.warmup_failed += 1

    def settle(self) -> None:
        self.drain()

    def produce_error(self, name: str, warmup: bool) -> None:
        """A refused produce call: the event loop's, as every counter here (no lock)."""
        self._book_produce_error(name, warmup)

    @property
    def in_flight(self) -> int:
        return self.produced - self.delivered - (self.failed - self.produce_errors)

    def interval(self, offset_ms: float, rss_bytes: int, heap_bytes: int) -> dict[str, Any]:
        """The 5-s sample over every report served so far (the batch drained first)."""
        self.drain()
        return super().interval(offset_ms, rss_bytes, heap_bytes)
