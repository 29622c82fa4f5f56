"""HDR semantics shared with the other contenders: µs, 3 significant digits, zeros counted,
HDR's value at percentile; and the cheaper record_value stores exactly what the package's does."""

from __future__ import annotations

import json
import random
from pathlib import Path

from hdrh.histogram import HdrHistogram

from contender.metrics.histogram import HIGHEST_US, encode, new_histogram, percentile, record, record_many, summarize


def test_an_empty_histogram_reads_all_zeros() -> None:
    assert summarize(new_histogram()) == {
        "count": 0,
        "minUs": 0,
        "meanUs": 0,
        "p50Us": 0,
        "p95Us": 0,
        "p99Us": 0,
        "p999Us": 0,
        "maxUs": 0,
    }


def test_zeros_count_and_set_the_minimum() -> None:
    histogram = new_histogram()
    for us in (0, 0, 5, 7):
        record(histogram, us)
    summary = summarize(histogram)
    assert summary["count"] == 4
    assert summary["minUs"] == 0
    assert summary["p50Us"] == 0  # rank 2 of 4 is the second zero


def test_percentiles_are_hdr_values_at_percentile() -> None:
    histogram = new_histogram()
    for us in range(1, 1001):  # below 2048 every µs has its own bucket at 3 digits
        record(histogram, us)
    summary = summarize(histogram)
    assert (summary["p50Us"], summary["p95Us"], summary["p99Us"], summary["p999Us"]) == (500, 950, 990, 999)
    assert (summary["minUs"], summary["maxUs"], summary["meanUs"]) == (1, 1000, 500.5)


def test_large_values_read_as_the_highest_equivalent_value_of_their_bucket() -> None:
    histogram = new_histogram()
    record(histogram, 123_456)
    reference = HdrHistogram(1, HIGHEST_US, 3)
    reference.record_value(123_456)
    highest = reference.get_highest_equivalent_value(123_456)
    assert highest != 123_456  # 3 significant digits: a bucket of several µs
    assert summarize(histogram)["p99Us"] == highest == summarize(histogram)["maxUs"]
    assert percentile(histogram, 50) == reference.get_value_at_percentile(50)


def test_values_round_to_the_microsecond_and_are_clamped() -> None:
    histogram = new_histogram()
    record(histogram, -5.0)  # a clock step backwards reads as 0
    record(histogram, 2.5)  # rounds half up, like Math.round
    record(histogram, 10 * HIGHEST_US)  # past one hour reads as one hour
    assert histogram.get_total_count() == 3
    assert histogram.get_count_at_value(0) == 1
    assert histogram.get_count_at_value(3) == 1
    assert histogram.get_count_at_value(HIGHEST_US) == 1


def test_record_value_stores_what_the_package_stores() -> None:
    fast, reference = new_histogram(), HdrHistogram(1, HIGHEST_US, 3)
    generator = random.Random(7)
    values = [0, 1, 2047, 2048, 2049, 4095, 4096, HIGHEST_US]
    values += [generator.randrange(0, HIGHEST_US) for _ in range(3000)]
    values += [int(generator.expovariate(1 / 5000)) for _ in range(3000)]
    for value in values:
        assert fast.record_value(value) == reference.record_value(value)
    assert list(fast.counts) == list(reference.counts)
    assert (fast.total_count, fast.min_value, fast.max_value) == (
        reference.total_count,
        reference.min_value,
        reference.max_value,
    )
    assert summarize(fast) == summarize(reference)


def test_the_shared_vectors_read_out_as_on_every_contender() -> None:
    """schemas/histogram-vectors.json is generated from the TypeScript read-out and checked by Go
    too: the same samples must give the same LatencySummary on every runtime."""
    vectors = json.loads((Path(__file__).parents[2] / "schemas" / "histogram-vectors.json").read_text())
    assert len(vectors["cases"]) >= 5
    for case in vectors["cases"]:
        histogram = new_histogram()
        for us in case["values"]:
            record(histogram, us)
        assert summarize(histogram) == case["summary"], case["name"]


def test_the_encoded_histogram_decodes_to_the_one_the_summary_was_read_from() -> None:
    """encode() is what the report carries: hdrhistogram decodes it (and, in the bench,
    hdr-histogram-js) to the same count and percentiles as the summary."""
    histogram = new_histogram()
    for i in range(5000):
        v = 0 if i % 50 == 0 else (i * 7919) % 5000
        record(histogram, v * v / 10)
    decoded = HdrHistogram.decode(encode(histogram))
    assert summarize(decoded) == summarize(histogram)
    assert decoded.get_total_count() == 5000
    assert percentile(decoded, 99) == summarize(histogram)["p99Us"]
    assert HdrHistogram.decode(encode(new_histogram())).get_total_count() == 0


def test_record_many_stores_what_record_stores_value_by_value() -> None:
    rng = random.Random(7)
    values = [rng.choice((-3.0, 0.0, 0.4, 2.5, HIGHEST_US * 2.0)) for _ in range(50)]
    values += [rng.lognormvariate(8, 2) for _ in range(5000)]
    one_by_one, batched = new_histogram(), new_histogram()
    for us in values:
        record(one_by_one, us)
    record_many(batched, values)
    assert list(batched.counts) == list(one_by_one.counts)
    assert summarize(batched) == summarize(one_by_one)
