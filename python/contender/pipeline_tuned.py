"""The python-tuned contender's hot path: the same phases, check, seq and messages as pipeline.py
(docs/contenders.md, 6–10), with the per-message costs the profile named taken out.

- produce is called positionally, ``produce(topic, value, key, partition, on_delivery, None,
  timestamp, headers)``: confluent-kafka parses its arguments with PyArg_ParseTupleAndKeywords,
  and keywords are looked up by name on every call;
- the processing time is kept raw and recorded with the delivery reports in batches
  (metrics/recorder_tuned.py), not as one pure-Python HDR record per message;
- the window's valid frame, nearly every frame, is tested first.

Everything else (status and error frames, invalid frames, the warm-up, a full local queue, a
refused produce) is the as-shipped pipeline's own code.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from time import perf_counter

from confluent_kafka import KafkaException

from contender.kafka.producer import Producer
from contender.metrics.recorder_tuned import BATCH, TunedRecorder
from contender.pipeline import Phase, Pipeline

#: confluent-kafka's "any partition" (RD_KAFKA_PARTITION_UA): the partitioner picks by key
ANY_PARTITION = -1
#: no timestamp given: librdkafka stamps the message when it is produced
NOW = 0


class TunedPipeline(Pipeline):
    def __init__(
        self,
        producer: Producer,
        recorder: TunedRecorder,  # type: ignore[override]
        codes: Iterable[str],
        *,
        topic: str,
        contender: str,
        channel: str,
        max_frame_bytes: int,
    ) -> None:
        super().__init__(
            producer,
            recorder,
            codes,
            topic=topic,
            contender=contender,
            channel=channel,
            max_frame_bytes=max_frame_bytes,
        )
        self._tuned: TunedRecorder = recorder

    def on_frame(self, frame: bytes, now: float) -> bool:
        reason, key, exchange_ms = self._check(frame)
        recorder = self._tuned
        if reason is None and self.phase is Phase.WINDOW:
            recorder.received += 1
            size = len(frame)
            recorder.bytes_received += size
            seq = self.seq + 1
            headers = [("seq", b"%d" % seq), self._contender_header, self._window_header]
            delivered = partial(recorder.window_delivered, now, exchange_ms, size)
            try:
                self._producer.produce(self._topic, frame, key, ANY_PARTITION, delivered, None, NOW, headers)
            except BufferError:
                if not self._produce_into_full_queue(key, frame, headers, delivered, False):
                    return True
            except KafkaException as error:
                recorder.produce_error(error.args[0].name(), False)
                return True
            self.seq = seq
            recorder.produced += 1
            processing = recorder.processing_raw
            processing.append(perf_counter() - now)
            if len(processing) >= BATCH:
                recorder.drain()
            return True
        # every other frame (status, error, invalid, warm-up, before ready) as the as-shipped pipeline routes it
        return self._route(frame, now, reason, key, exchange_ms)
