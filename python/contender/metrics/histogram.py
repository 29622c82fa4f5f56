"""HDR histograms in microseconds with 3 significant digits (as OpenMessaging Benchmark and wrk2,
and the same on every contender), read out into the report's LatencySummary.

Semantics shared with the other runtimes: every recorded value counts, zeros included (so minUs
may be 0); negative values (clock steps) are recorded as 0 and values past one hour as one hour;
percentiles are HDR's value at percentile (the highest value equivalent to the bucket holding
that rank, the rank being ceil(p/100·N) as HdrHistogram takes it); max is HDR's highest
equivalent value; the mean is rounded to 0.1 µs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from hdrh.histogram import HdrHistogram

#: one hour in µs: nothing in a run waits longer
HIGHEST_US = 3_600_000_000
SIGNIFICANT_DIGITS = 3
PERCENTILES = {"p50Us": 50.0, "p95Us": 95.0, "p99Us": 99.0, "p999Us": 99.9}


class Histogram(HdrHistogram):
    """hdrhistogram's HdrHistogram with a cheaper ``record_value``: the package finds a value's
    bucket with ``len(bin(value))`` (a string per call) through four method calls, about 1 µs;
    this is the same index arithmetic with ``int.bit_length`` in one frame, about 0.3 µs, and the
    contender records five values per message. Storage, percentiles, min, max and mean are the
    package's own (tests/test_histogram.py checks the counts match record_value's exactly)."""

    def __init__(self, lowest: int, highest: int, digits: int) -> None:
        super().__init__(lowest, highest, digits)
        # the package's _get_bucket_index: bit_length(value | mask) - unit - (half_magnitude + 1)
        self._bucket_shift = self.unit_magnitude + self.sub_bucket_half_count_magnitude + 1

    def record_value(self, value: int, count: int = 1) -> bool:
        if value < 0:
            return False
        bucket = (value | self.sub_bucket_mask).bit_length() - self._bucket_shift
        index = (
            ((bucket + 1) << self.sub_bucket_half_count_magnitude)
            + (value >> (bucket + self.unit_magnitude))
            - self.sub_bucket_half_count
        )
        if index >= self.counts_len:
            return False
        self.counts[index] += count
        self.total_count += count
        if value < self.min_value:
            self.min_value = value
        if value > self.max_value:
            self.max_value = value
        return True


def new_histogram() -> Histogram:
    return Histogram(1, HIGHEST_US, SIGNIFICANT_DIGITS)


def record(histogram: HdrHistogram, us: float) -> None:
    """Records a µs value rounded to the nearest µs, clamped to [0, one hour]."""
    value = int(us + 0.5) if us > 0 else 0
    histogram.record_value(value if value < HIGHEST_US else HIGHEST_US)


def record_many(histogram: HdrHistogram, values_us: Iterable[float]) -> None:
    """Records each µs value as ``record`` does, equal values together: one ``record_value`` per
    distinct value of the batch, with its count (the python-tuned contender's batches)."""
    rounded = Counter(int(us + 0.5) if us > 0 else 0 for us in values_us)
    for value, count in rounded.items():
        histogram.record_value(value if value < HIGHEST_US else HIGHEST_US, count)


def _rank_percent(percent: float, count: int) -> float:
    """The percent to ask the package for so that it reads HdrHistogram's rank, ceil(p/100·N), as
    Java's HdrHistogram, hdr-histogram-js (the contract's reference) and the Rust crate read it.
    The package rounds the rank to the nearest instead, so on its own it reads one sample lower
    whenever p/100·N has a fraction under a half (p99 of 1,070 samples: rank 1059, not 1060), and
    the report's p99 would disagree with the pooled histogram's. Asked for rank/N, its rounding
    lands on exactly that rank."""
    x = min(percent, 100.0) / 100.0 * count
    # HdrHistogram's guard: an fp result 1 ulp over a whole count is that count
    rank = max(math.ceil(x - math.ulp(x)), 1)
    return 100.0 * rank / count


def percentile(histogram: HdrHistogram, percent: float) -> int:
    """HDR's value at ``percent`` (HdrHistogram's rank); 0 for an empty histogram."""
    count = histogram.get_total_count()
    return histogram.get_value_at_percentile(_rank_percent(percent, count)) if count else 0


def encode(histogram: HdrHistogram) -> str:
    """The histogram itself in HdrHistogram's compressed V2 form, base64 (what every HDR library
    reads), so the comparison can pool rounds: summaries cannot be merged, histograms can."""
    return histogram.encode().decode("ascii")


def summarize(histogram: HdrHistogram) -> dict[str, float]:
    """The report's LatencySummary; an empty histogram is all zeros."""
    count = histogram.get_total_count()
    if count == 0:
        return {"count": 0, "minUs": 0, "meanUs": 0, **{name: 0 for name in PERCENTILES}, "maxUs": 0}
    # one pass over the counts for all four percentiles
    asked = {name: _rank_percent(percent, count) for name, percent in PERCENTILES.items()}
    values = histogram.get_percentile_to_value_dict(list(asked.values()))
    return {
        "count": count,
        "minUs": histogram.get_min_value(),
        "meanUs": round(histogram.get_mean_value(), 1),
        **{name: values[percent] for name, percent in asked.items()},
        "maxUs": histogram.get_max_value(),
    }
