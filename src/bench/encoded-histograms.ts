/**
 * @module bench/encoded-histograms
 * A report's four encoded histograms read back with hdr-histogram-js, beside what its summaries
 * say, for the tests that hold every contender to "the histograms are the ones the summaries were
 * read from". Each contender encodes with its own HDR library (hdr-histogram-js, hdrhistogram-go,
 * Python's hdrhistogram, the hdrhistogram crate), so decoding them here proves they interoperate.
 */
import * as hdr from 'hdr-histogram-js'
import type { Report } from '../contract/report.ts'

export const LATENCIES = ['processing', 'kafkaAck', 'pipeline', 'exchangeToAck'] as const

export interface LatencyCheck {
  name: (typeof LATENCIES)[number]
  count: number
  p99Us: number
}

/** Count and value at the 99th percentile of each histogram, decoded. */
export function decodedLatencies(report: Report): LatencyCheck[] {
  return LATENCIES.map((name) => {
    const decoded = hdr.decodeFromCompressedBase64(report.latency.histograms[name])
    return { name, count: decoded.totalCount, p99Us: decoded.totalCount ? decoded.getValueAtPercentile(99) : 0 }
  })
}

/**
 * The same figures as the report's summaries state them. They equal the decoded ones exactly:
 * every contender reads a percentile at HdrHistogram's rank ceil(p·N), as hdr-histogram-js does
 * (schemas/histogram-vectors.json), so no bucket-width allowance is needed.
 */
export function summarizedLatencies(report: Report): LatencyCheck[] {
  return LATENCIES.map((name) => ({ name, count: report.latency[name].count, p99Us: report.latency[name].p99Us }))
}
