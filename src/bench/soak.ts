/**
 * @module bench/soak
 * The leak check of `bun run bench --soak`: a long run's RSS in its first minute against its last
 * minute (from the report's 5-second intervals). Growth beyond the bound is flagged. Warm-up
 * (JIT, librdkafka buffers reaching steady state) happens in the first minute, so that minute is
 * the baseline rather than the very first sample.
 */
import type { Report } from '../report/schema.ts'

/** flagged when the last minute's RSS exceeds the first minute's by more than both of these */
export const SOAK_BOUND = { fraction: 0.2, bytes: 16 * 1024 * 1024 } as const

export interface SoakVerdict {
  contender: string
  firstMinuteRssBytes: number
  lastMinuteRssBytes: number
  growthBytes: number
  growthFraction: number
  flagged: boolean
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

export function soakVerdict(report: Report): SoakVerdict {
  const intervals = report.intervals
  const endMs = intervals.at(-1)?.offsetMs ?? 0
  const first = mean(intervals.filter((i) => i.offsetMs <= 60_000).map((i) => i.rssBytes))
  const last = mean(intervals.filter((i) => i.offsetMs > endMs - 60_000).map((i) => i.rssBytes))
  const growthBytes = last - first
  const growthFraction = first > 0 ? growthBytes / first : 0
  return {
    contender: report.contender,
    firstMinuteRssBytes: first,
    lastMinuteRssBytes: last,
    growthBytes,
    growthFraction,
    flagged: growthBytes > SOAK_BOUND.bytes && growthFraction > SOAK_BOUND.fraction,
  }
}

export function soakSection(verdicts: SoakVerdict[]): string {
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1)
  const rows = verdicts.map(
    (v) => `| ${v.contender} | ${mb(v.firstMinuteRssBytes)} | ${mb(v.lastMinuteRssBytes)} | ${v.growthBytes >= 0 ? '+' : ''}${mb(v.growthBytes)} (${(v.growthFraction * 100).toFixed(1)} %) | ${v.flagged ? '**growth beyond bound**' : 'ok'} |`,
  )
  return [
    '## Soak (leak check)',
    '',
    `RSS averaged over the first and the last minute of the window. Flagged when the last minute exceeds the first by more than ${SOAK_BOUND.fraction * 100} % and more than ${mb(SOAK_BOUND.bytes)} MB.`,
    '',
    '| contender | first minute RSS (MB) | last minute RSS (MB) | growth | verdict |',
    '|---|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n')
}
