/**
 * @module comparison/histogram-fixture
 * Real HDR histograms for the comparison's test reports (comparison/fixture.ts): a summary's
 * count of samples spread over its percentiles (min, p50, p95, p99, p99.9, max, linear between
 * them, one sample per quantile step), recorded into the contract's histogram and encoded as a
 * report carries it, so pooling and exports are tested on the same bytes a contender writes.
 * Memoised: fixtures build many reports from few distinct summaries.
 */
import * as hdr from 'hdr-histogram-js'
import { latencyHistogram, record, type Histogram } from '../contract/histogram.ts'
import type { LatencySummary, Report } from '../contract/report.ts'

/** Quantile points (0..1) and the summary field holding the value there. */
const KNOTS = [
  [0, 'minUs'],
  [0.5, 'p50Us'],
  [0.95, 'p95Us'],
  [0.99, 'p99Us'],
  [0.999, 'p999Us'],
  [1, 'maxUs'],
] as const

/** A histogram of `s.count` samples shaped like the summary. */
export function histogramLike(s: LatencySummary): Histogram {
  const h = latencyHistogram()
  const n = s.count
  // sample i sits at quantile (i+1)/n, linear between the knots around it: the value at p50, p99, …
  // is then the summary's, and the last is the max; runs of equal values are recorded at once
  let run = { value: -1, count: 0 }
  let i = 0
  for (let k = 1; k < KNOTS.length; k++) {
    const [q0, f0] = KNOTS[k - 1]!
    const [q1, f1] = KNOTS[k]!
    const [v0, v1] = [s[f0], s[f1]]
    // the last sample of this segment: (i+1)/n ≤ q1 (a hair of slack for 0.999 × n in floating point)
    const last = Math.min(n, Math.floor(q1 * n + 1e-6)) - 1
    for (; i <= last; i++) {
      const value = Math.max(0, Math.round(v0 + ((v1 - v0) * ((i + 1) / n - q0)) / (q1 - q0)))
      if (value === run.value) run.count++
      else {
        if (run.count > 0) h.recordValueWithCount(run.value, run.count)
        run = { value, count: 1 }
      }
    }
  }
  if (run.count > 0) h.recordValueWithCount(run.value, run.count)
  return h
}

/** A histogram of exactly these µs values, encoded as a report carries it. */
export function encodeValues(values: number[]): string {
  const h = latencyHistogram()
  for (const v of values) record(h, v)
  return hdr.encodeIntoCompressedBase64(h)
}

const memo = new Map<string, string>()

function encodedLike(s: LatencySummary): string {
  const key = JSON.stringify(s)
  let encoded = memo.get(key)
  if (encoded === undefined) {
    encoded = hdr.encodeIntoCompressedBase64(histogramLike(s))
    memo.set(key, encoded)
  }
  return encoded
}

type Summaries = Omit<Report['latency'], 'histograms'>

/** The four summaries with the histograms behind them. */
export function withHistograms(latency: Summaries): Report['latency'] {
  return {
    ...latency,
    histograms: {
      processing: encodedLike(latency.processing),
      kafkaAck: encodedLike(latency.kafkaAck),
      pipeline: encodedLike(latency.pipeline),
      exchangeToAck: encodedLike(latency.exchangeToAck),
    },
  }
}
