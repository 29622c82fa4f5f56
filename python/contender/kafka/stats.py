"""librdkafka's statistics JSON (one sample per statistics.interval.ms, kept while the window is
open) reduced to the report's ``librdkafkaStats``, as src/kafka/stats-summary.ts does.

Each sample's broker windows (int_latency, outbuf_latency, rtt) are already percentiles over
that interval; the report gives their mean over the window's samples, over real brokers only
(nodeid ≥ 0, cnt > 0). ``requests`` is produce requests sent in the window: the growth of
brokers[].tx between the first and last sample.
"""

from __future__ import annotations

import json
import math
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


def summarize_stats(samples: Iterable[str]) -> dict[str, float]:
    means = {f"{name}{p}Us": _Mean() for name in _WINDOWS.values() for p in ("P50", "P99")}
    batch_size, batch_count = _Mean(), _Mean()
    first_tx: dict[str, int] = {}
    last_tx: dict[str, int] = {}
    parsed = 0
    for text in samples:
        try:
            sample = json.loads(text)
        except ValueError:
            continue
        parsed += 1
        for name, broker in (sample.get("brokers") or {}).items():
            if broker.get("nodeid", -1) < 0:
                continue
            for key, label in _WINDOWS.items():
                window = broker.get(key) or {}
                if window.get("cnt"):
                    means[f"{label}P50Us"].add(window.get("p50"))
                    means[f"{label}P99Us"].add(window.get("p99"))
            if isinstance(broker.get("tx"), int):
                first_tx.setdefault(name, broker["tx"])
                last_tx[name] = broker["tx"]
        for topic in (sample.get("topics") or {}).values():
            if (topic.get("batchsize") or {}).get("cnt"):
                batch_size.add(topic["batchsize"].get("avg"))
            if (topic.get("batchcnt") or {}).get("cnt"):
                batch_count.add(topic["batchcnt"].get("avg"))
    requests = sum(max(last - first_tx.get(name, last), 0) for name, last in last_tx.items())
    return {
        "samples": parsed,
        **{name: mean.value for name, mean in means.items()},
        "batchSizeAvgBytes": batch_size.value,
        "batchCountAvg": batch_count.value,
        "requests": requests,
    }
