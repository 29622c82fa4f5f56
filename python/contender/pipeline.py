"""The hot path: frame in → cheap check → produce → delivery report (docs/contenders.md, 6–10).

Phases: before ready, data frames are read and dropped (``beforeReady``); in the warm-up every
valid frame is produced with header ``phase: warmup`` and counted only in the warm-up figures; in
the window every frame is counted and every valid one produced with ``phase: window``; after the
window nothing is read. Each message is produced with key = its market code, value = the frame's
bytes as received, and headers ``seq`` (1, 2, 3, … over warm-up and window, no gaps: a refused
produce gives its number to the next frame), ``contender`` and ``phase``.

A window message carries its own timestamps into its delivery callback (functools.partial), so
the poll thread needs no table shared with the event loop to measure it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from functools import partial
from time import perf_counter

from confluent_kafka import KafkaException

from contender import contract
from contender.kafka.producer import Producer
from contender.metrics.histogram import record
from contender.metrics.recorder import Recorder
from contender.upbit.frame_check import ERROR, STATUS, FrameChecker, error_name

#: a full local queue is polled and retried; past this the message counts as failed
QUEUE_FULL_GIVE_UP_S = contract.timing()["queueFullGiveUpMs"] / 1000
QUEUE_FULL_POLL_S = 0.001


class Phase(IntEnum):
    BEFORE_READY = 0
    WARMUP = 1
    WINDOW = 2
    CLOSED = 3


class Pipeline:
    def __init__(
        self,
        producer: Producer,
        recorder: Recorder,
        codes: Iterable[str],
        *,
        topic: str,
        contender: str,
        channel: str,
        max_frame_bytes: int,
    ) -> None:
        self.phase = Phase.BEFORE_READY
        self.seq = 0
        self._producer = producer
        self._recorder = recorder
        self._check = FrameChecker(codes, channel, max_frame_bytes).check
        self._topic = topic
        self._contender_header = ("contender", contender.encode())
        self._window_header = ("phase", b"window")
        self._warmup_header = ("phase", b"warmup")

    def on_frame(self, frame: bytes, now: float) -> bool:
        """One WebSocket message, ``now`` = perf_counter() when it came in. Returns whether it
        was a data frame (status and error frames are not)."""
        reason, key, exchange_ms = self._check(frame)
        return self._route(frame, now, reason, key, exchange_ms)

    def _route(self, frame: bytes, now: float, reason: str | None, key: bytes, exchange_ms: int) -> bool:
        """Where a checked frame goes: counted by kind and phase, produced when valid and after ready."""
        phase = self.phase
        recorder = self._recorder
        if reason == STATUS:
            recorder.status_frames += 1
            return False
        if reason == ERROR:
            recorder.error_frame(error_name(frame))
            return False
        if phase is Phase.WINDOW:
            recorder.received += 1
            recorder.bytes_received += len(frame)
            if reason is not None:
                recorder.invalid_frame(reason, frame)
                return True
            seq = self.seq + 1
            delivered = partial(recorder.window_delivered, now, exchange_ms, len(frame))
            if self._produce(key, frame, seq, self._window_header, delivered, warmup=False):
                self.seq = seq
                recorder.produced += 1
                record(recorder.processing, (perf_counter() - now) * 1e6)
        elif phase is Phase.WARMUP:
            recorder.warmup_received += 1
            if reason is None and self._produce(
                key, frame, self.seq + 1, self._warmup_header, recorder.warmup_delivered_cb, warmup=True
            ):
                self.seq += 1
                recorder.warmup_produced += 1
        elif phase is Phase.BEFORE_READY:
            recorder.before_ready += 1
        return True

    def refused(self, reason: str) -> None:
        """A data message the client refused unread (``too-large``, ``bad-utf8``), which failed its
        connection: invalid in the window (sampled with no bytes), received in the warm-up."""
        recorder = self._recorder
        if self.phase is Phase.WINDOW:
            recorder.received += 1
            recorder.invalid_frame(reason, b"")
        elif self.phase is Phase.WARMUP:
            recorder.warmup_received += 1
        elif self.phase is Phase.BEFORE_READY:
            recorder.before_ready += 1

    def _produce(
        self,
        key: bytes,
        value: bytes,
        seq: int,
        phase_header: tuple[str, bytes],
        on_delivery: Callable[..., None],
        *,
        warmup: bool,
    ) -> bool:
        headers = [("seq", b"%d" % seq), self._contender_header, phase_header]
        try:
            self._producer.produce(self._topic, value, key, on_delivery=on_delivery, headers=headers)
            return True
        except BufferError:
            return self._produce_into_full_queue(key, value, headers, on_delivery, warmup)
        except KafkaException as error:
            self._recorder.produce_error(error.args[0].name(), warmup)
            return False

    def _produce_into_full_queue(
        self, key: bytes, value: bytes, headers: list, on_delivery: Callable[..., None], warmup: bool
    ) -> bool:
        """Back-pressure: librdkafka's local queue is full. Serve delivery reports and retry,
        holding up the event loop (and so every socket) until it drains, as the other
        contenders do."""
        give_up_at = perf_counter() + QUEUE_FULL_GIVE_UP_S
        while perf_counter() < give_up_at:
            if not warmup:
                self._recorder.queue_full_retries += 1
            self._producer.poll(QUEUE_FULL_POLL_S)
            try:
                self._producer.produce(self._topic, value, key, on_delivery=on_delivery, headers=headers)
                return True
            except BufferError:
                continue
            except KafkaException as error:
                self._recorder.produce_error(error.args[0].name(), warmup)
                return False
        self._recorder.produce_error("QUEUE_FULL", warmup)
        return False
