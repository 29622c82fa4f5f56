/**
 * @module contract/histogram
 * HDR histograms in microseconds (3 significant digits, as OpenMessaging Benchmark and wrk2 do),
 * read out into the report's LatencySummary. Every contender reads them out the same way, proven
 * by shared vectors that set-up generates from this read-out (schemas/histogram-vectors.json,
 * checked by every other contender's tests): it is the contract's reference, so it lives here.
 * A percentile's rank is HdrHistogram's, ceil(p/100·N) (Java's, this library's, the Rust crate's);
 * Go and Python ask their libraries, which round the rank to the nearest, for the rank they mean.
 */
import * as hdr from 'hdr-histogram-js'
import type { LatencySummary } from './report.ts'

export type Histogram = hdr.Histogram

/** One hour in µs: nothing in a run waits longer; autoResize covers the odd outlier anyway. */
const HIGHEST_US = 3_600_000_000

export function latencyHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  })
}

/** Records a µs value, clamping negatives (clock steps) to 0. */
export function record(histogram: Histogram, us: number): void {
  histogram.recordValue(us > 0 ? Math.round(us) : 0)
}

export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount
  if (count === 0) return { count: 0, minUs: 0, meanUs: 0, p50Us: 0, p95Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 }
  return {
    count,
    // zeros count, as on every contender: the value at percentile 0 is the lowest recorded bucket
    // (hdr-histogram-js only tracks the least non-zero value)
    minUs: histogram.getValueAtPercentile(0),
    meanUs: Math.round(histogram.mean * 10) / 10,
    p50Us: histogram.getValueAtPercentile(50),
    p95Us: histogram.getValueAtPercentile(95),
    p99Us: histogram.getValueAtPercentile(99),
    p999Us: histogram.getValueAtPercentile(99.9),
    // HDR's max: the highest value equivalent to the largest recorded one, as percentiles are
    maxUs: histogram.getValueAtPercentile(100),
  }
}

/**
 * The histogram itself, as HdrHistogram's compressed V2 base64 (what every HDR library reads), so
 * the comparison can pool rounds: summaries cannot be merged, histograms can.
 */
export function encode(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram)
}

export function summarizeValues(values: number[]): LatencySummary {
  const histogram = latencyHistogram()
  for (const value of values) record(histogram, value)
  return summarize(histogram)
}
