/**
 * @module comparison/pooled
 * Percentiles over all samples: a contender's rounds' HDR histograms (the reports'
 * `latency.histograms`, HdrHistogram's compressed V2 in base64) added into one, so its p99 is the
 * 99th percentile of every message of every round rather than a median of per-round p99s (issue
 * 30). A contender gets no pooled figures, and a one-line note saying why, when any of its rounds
 * carries no histograms (a report written before reports carried them), one that does not decode,
 * or one whose sample count differs from its summary's: pooling only some rounds would not be
 * "all samples".
 */
import * as hdr from 'hdr-histogram-js'
import { Buffer } from 'node:buffer'
import { inflateSync } from 'node:zlib'
import { latencyHistogram, type Histogram } from '../contract/histogram.ts'
import type { Contender, LatencySummary, Report } from '../contract/report.ts'

/** The report's four histograms, by their key under `latency.histograms`. */
export const HISTOGRAM_METRICS = ['processing', 'kafkaAck', 'pipeline', 'exchangeToAck'] as const
export type HistogramMetric = (typeof HISTOGRAM_METRICS)[number]

/** The ones the comparison pools: the latency headline and its main breakdown. */
export const POOLED_METRICS = ['exchangeToAck', 'pipeline'] as const satisfies readonly HistogramMetric[]
export type PooledMetric = (typeof POOLED_METRICS)[number]

/** The cookie of HdrHistogram's compressed V2 encoding (low nibble of its word-size byte aside). */
const V2_COMPRESSED_COOKIE = 0x1c849304
/**
 * A V2 payload is a 40-byte header and one LEB128 count (≤ 9 bytes) per bucket; a histogram of
 * the contract's range has under 50,000 buckets. Inflating is bounded well above that, so a
 * crafted report cannot blow up in memory (hdr-histogram-js inflates without a bound).
 */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024

/**
 * Decodes one encoded histogram; throws an Error saying what is wrong (not V2, too large, not
 * deflate) for anything else.
 */
export function decodeHistogram(encoded: string): Histogram {
  const bytes = Buffer.from(encoded, 'base64')
  if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE)
    throw new Error('not an HdrHistogram compressed V2 encoding')
  const length = bytes.readInt32BE(4)
  if (length < 0 || length > bytes.length - 8) throw new Error(`compressed length ${length} exceeds the data`)
  try {
    inflateSync(bytes.subarray(8, 8 + length), { maxOutputLength: MAX_INFLATED_BYTES })
  } catch (error) {
    throw new Error(`does not inflate within ${MAX_INFLATED_BYTES} bytes: ${(error as Error).message}`)
  }
  return hdr.decodeFromCompressedBase64(encoded)
}

/** The reports' latency as it may have been written: older runs' reports carry no histograms. */
type MaybeHistograms = { histograms?: Partial<Record<HistogramMetric, string>> }

// decoded once per report and metric (the section, the chart, the CSV and the exports all read them)
const decoded = new WeakMap<Report, Map<HistogramMetric, Histogram | string>>()

/**
 * One report's histogram of `metric`, or why there is none (a sentence naming the metric). A
 * histogram that does not hold as many samples as the summary beside it is refused.
 */
export function reportHistogram(report: Report, metric: HistogramMetric): Histogram | string {
  let cache = decoded.get(report)
  if (!cache) decoded.set(report, (cache = new Map()))
  let result = cache.get(metric)
  if (result === undefined) {
    result = decodeChecked(report, metric)
    cache.set(metric, result)
  }
  return result
}

function decodeChecked(report: Report, metric: HistogramMetric): Histogram | string {
  const encoded = (report.latency as MaybeHistograms).histograms?.[metric]
  if (encoded === undefined) return 'carries no latency histograms (written before reports carried them)'
  let histogram: Histogram
  try {
    histogram = decodeHistogram(encoded)
  } catch (error) {
    return `has a ${metric} histogram that does not decode (${(error as Error).message})`
  }
  const summary: LatencySummary = report.latency[metric]
  if (histogram.totalCount !== summary.count)
    return `has a ${metric} histogram of ${histogram.totalCount} samples beside a summary of ${summary.count}`
  return histogram
}

/** Percentiles over all samples of one metric, µs (HDR's values, as the summaries'). */
export interface PooledFigures {
  count: number
  p50Us: number
  p99Us: number
  p999Us: number
  maxUs: number
}

export interface Pooled {
  /** how many rounds were pooled */
  rounds: number
  histograms: Record<PooledMetric, Histogram>
  figures: Record<PooledMetric, PooledFigures>
}

/** A contender's pooled histograms, or the note saying why there are none. */
export type PoolResult = { pooled: Pooled } | { note: string }

export function figuresOf(h: Histogram): PooledFigures {
  if (h.totalCount === 0) return { count: 0, p50Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 }
  return {
    count: h.totalCount,
    p50Us: h.getValueAtPercentile(50),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    // HDR's max, as the summaries': the highest value equivalent to the largest recorded one
    maxUs: h.getValueAtPercentile(100),
  }
}

/** One contender's report of one round (1-based). */
export interface RoundReport {
  round: number
  report: Report
}

/** Adds one contender's rounds. */
export function pool(reports: RoundReport[]): PoolResult {
  const histograms = {} as Record<PooledMetric, Histogram>
  for (const metric of POOLED_METRICS) {
    const sum = latencyHistogram()
    for (const { round, report } of reports) {
      const h = reportHistogram(report, metric)
      if (typeof h === 'string') return { note: `round ${round}'s report ${h}` }
      sum.add(h)
    }
    histograms[metric] = sum
  }
  const figures = Object.fromEntries(POOLED_METRICS.map((m) => [m, figuresOf(histograms[m])])) as Pooled['figures']
  return { pooled: { rounds: reports.length, histograms, figures } }
}

/** Each contender's reports with their rounds. */
export function roundReports(rounds: Report[][], contender: Contender): RoundReport[] {
  return rounds.flatMap((round, i) =>
    round.filter((r) => r.contender === contender).map((report) => ({ round: i + 1, report })),
  )
}

/** The pools of `contenders` (in that order) over the rounds. */
export function poolByContender(rounds: Report[][], contenders: Contender[]): Map<Contender, PoolResult> {
  return new Map(contenders.map((c) => [c, pool(roundReports(rounds, c))]))
}

/** The contenders that have pooled figures. */
export function pooledOnly(pools: Map<Contender, PoolResult>): Map<Contender, Pooled> {
  return new Map([...pools].flatMap(([c, r]) => ('pooled' in r ? [[c, r.pooled] as [Contender, Pooled]] : [])))
}
