"""librdkafka's statistics JSON (one sample per statistics.interval.ms while the window is open)
reduced to the report's ``librdkafkaStats`` as each sample arrives, as
src/contender/kafka/stats-summary.ts does.

Each sample's broker windows (int_latency, outbuf_latency, rtt) are already percentiles over
that interval; the report gives their mean over the window's samples, over real brokers only
(nodeid ≥ 0, cnt > 0). ``requests`` is produce requests sent in the window: the growth of
brokers[].tx between the first and last sample.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable
from typing import Any


class _Mean:
    __slots__ = ("_n", "_sum")

    def __init__(self) -> None:
        self._sum = 0.0
        self._n = 0

    def add(self, value: Any) -> None:
        if isinstance(value, (int, float)) and math.isfinite(value):
            self._sum += value
            self._n += 1

    @property
    def value(self) -> float:
        return self._sum / self._n if self._n else 0


_WINDOWS = {"int_latency": "intLatency", "outbuf_latency": "outbufLatency", "rtt": "rtt"}


class StatsSummary:
    """The summary kept as samples arrive: running sums and each broker's first and last tx, never
    the samples, so its memory does not grow with the run's length. ``add`` takes a lock: the
    statistics callback is served by whichever thread polls (the poll thread, or the event loop
    riding out a full queue)."""

    def __init__(self) -> None:
        self._means = {f"{name}{p}Us": _Mean() for name in _WINDOWS.values() for p in ("P50", "P99")}
        self._batch_size, self._batch_count = _Mean(), _Mean()
        self._first_tx: dict[str, int] = {}
        self._last_tx: dict[str, int] = {}
        self._parsed = 0
        self._lock = threading.Lock()

    def add(self, text: str) -> None:
        """Folds one sample in; one that is not JSON is skipped."""
        try:
            sample = json.loads(text)
        except ValueError:
            return
        with self._lock:
            self._fold(sample)

    def _fold(self, sample: Any) -> None:
        means = self._means
        self._parsed += 1
        for name, broker in (sample.get("brokers") or {}).items():
            if broker.get("nodeid", -1) < 0:
                continue
            for key, label in _WINDOWS.items():
                window = broker.get(key) or {}
                if window.get("cnt"):
                    means[f"{label}P50Us"].add(window.get("p50"))
                    means[f"{label}P99Us"].add(window.get("p99"))
            if isinstance(broker.get("tx"), int):
                self._first_tx.setdefault(name, broker["tx"])
                self._last_tx[name] = broker["tx"]
        for topic in (sample.get("topics") or {}).values():
            if (topic.get("batchsize") or {}).get("cnt"):
                self._batch_size.add(topic["batchsize"].get("avg"))
            if (topic.get("batchcnt") or {}).get("cnt"):
                self._batch_count.add(topic["batchcnt"].get("avg"))

    @property
    def brokers(self) -> int:
        """How many brokers' tx it keeps: its only state that is not a fixed size (bounded by the
        cluster, not by the run's length)."""
        return len(self._first_tx)

    def summary(self) -> dict[str, float]:
        """The report's ``librdkafkaStats`` for the samples added so far."""
        with self._lock:
            requests = sum(max(last - self._first_tx.get(name, last), 0) for name, last in self._last_tx.items())
            return {
                "samples": self._parsed,
                **{name: mean.value for name, mean in self._means.items()},
                "batchSizeAvgBytes": self._batch_size.value,
                "batchCountAvg": self._batch_count.value,
                "requests": requests,
            }


def summarize_stats(samples: Iterable[str]) -> dict[str, float]:
    """``StatsSummary`` over a list of samples."""
    summary = StatsSummary()
    for text in samples:
        summary.add(text)
    return summary.summary()
