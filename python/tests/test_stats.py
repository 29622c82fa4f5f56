"""librdkafka's statistics folded in as they arrive equal the summary the contender used to take
at the end from every sample it had kept, and the state kept does not grow with the samples."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable

from contender.kafka.stats import _WINDOWS, StatsSummary, _Mean


# The summary as it was computed before StatsSummary, from every sample kept until the end
# (contender/kafka/stats.py before issue 25, verbatim): the oracle.
def summarize_all_samples(samples: Iterable[str]) -> dict[str, float]:
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


def stats_samples(n: int, seed: int) -> list[str]:
    """n librdkafka-shaped samples: three real brokers and a bootstrap one (nodeid -1), windows
    sometimes empty (cnt 0) or missing, tx growing and sometimes absent, two topics, and now and
    then a sample that is not JSON."""
    rnd = random.Random(seed)
    tx: dict[str, int] = {}
    brokers = [
        ("127.0.0.1:9092/1", 1),
        ("127.0.0.1:9093/2", 2),
        ("127.0.0.1:9094/3", 3),
        ("127.0.0.1:9092/bootstrap", -1),
    ]

    def window() -> dict[str, float] | None:
        if rnd.randrange(10) == 0:
            return None
        cnt = 1 + rnd.randrange(500) if rnd.randrange(5) else 0
        return {"p50": rnd.random() * 5000, "p99": rnd.random() * 50000, "cnt": cnt}

    samples = []
    for i in range(n):
        if rnd.randrange(50) == 0:
            samples.append(f'{{"brokers": {{"truncated {i}')
            continue
        sample: dict = {"brokers": {}, "topics": {}}
        for name, nodeid in brokers:
            tx[name] = tx.get(name, 0) + rnd.randrange(300)
            broker = {"nodeid": nodeid, "int_latency": window(), "outbuf_latency": window(), "rtt": window()}
            if rnd.randrange(20):
                broker["tx"] = tx[name]
            sample["brokers"][name] = broker
        for topic in ("upbit-ticker-python", "other"):
            sample["topics"][topic] = {
                "batchsize": {"avg": rnd.random() * 32768, "cnt": rnd.randrange(3)},
                "batchcnt": {"avg": rnd.random() * 40, "cnt": rnd.randrange(3)},
            }
        samples.append(json.dumps(sample))
    return samples


def test_folded_as_they_arrive_many_samples_give_the_summary_of_all_samples_in_bounded_state() -> None:
    samples = stats_samples(20_000, 25)
    summary = StatsSummary()
    for n, text in enumerate(samples, start=1):
        summary.add(text)
        if n in (1, 100, 5000, len(samples)):
            assert summary.summary() == summarize_all_samples(samples[:n])
            assert summary.brokers <= 3
    final = summary.summary()
    assert summary.brokers == 3
    assert final["samples"] > 19_000
    assert final["requests"] > 0
    assert final["rttP99Us"] > 0


def test_no_samples_every_figure_zero() -> None:
    assert StatsSummary().summary() == summarize_all_samples([])
