/**
 * @module bench/soak
 * The leak check of `bun run bench --soak`: RSS over the second half of a long window (from the
 * report's 5-second intervals). The first half is warm-up and excluded: JIT, librdkafka buffers
 * reaching steady state, and each contender's latency rings (2^19 entries, allocated up front but
 * resident only once written: at 2,000 msg/s they fill in 262 s). After that, memory should be
 * flat; growth between the first minute of the second half and the last minute beyond the bound is
 * flagged, and the slope over the second half is reported either way.
 */
import type { Report } from '../contract/report.ts'

/** flagged when the last minute's RSS exceeds the second half's first minute by more than both */
export const SOAK_BOUND = { fraction: 0.2, bytes: 16 * 1024 * 1024 } as const

export interface SoakVerdict {
  contender: string
  /** mean RSS over the first minute of the window's second half */
  baselineRssBytes: number
  lastMinuteRssBytes: number
  growthBytes: number
  growthFraction: number
  /** least-squares RSS slope over the second half, bytes per minute */
  slopeBytesPerMin: number
  flagged: boolean
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length)

function slopePerMin(points: { offsetMs: number; rssBytes: number }[]): number {
  if (points.length < 2) return 0
  const mx = mean(points.map((p) => p.offsetMs))
  const my = mean(points.map((p) => p.rssBytes))
  let num = 0
  let den = 0
  for (const p of points) {
    num += (p.offsetMs - mx) * (p.rssBytes - my)
    den += (p.offsetMs - mx) ** 2
  }
  return den === 0 ? 0 : (num / den) * 60_000
}

export function soakVerdict(report: Report): SoakVerdict {
  const intervals = report.intervals
  const endMs = intervals.at(-1)?.offsetMs ?? 0
  const half = endMs / 2
  const secondHalf = intervals.filter((i) => i.offsetMs > half)
  const baseline = mean(secondHalf.filter((i) => i.offsetMs <= half + 60_000).map((i) => i.rssBytes))
  const last = mean(intervals.filter((i) => i.offsetMs > endMs - 60_000).map((i) => i.rssBytes))
  const growthBytes = last - baseline
  const growthFraction = baseline > 0 ? growthBytes / baseline : 0
  return {
    contender: report.contender,
    baselineRssBytes: baseline,
    lastMinuteRssBytes: last,
    growthBytes,
    growthFraction,
    slopeBytesPerMin: slopePerMin(secondHalf),
    flagged: growthBytes > SOAK_BOUND.bytes && growthFraction > SOAK_BOUND.fraction,
  }
}

export function soakSection(verdicts: SoakVerdict[]): string {
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1)
  const rows = verdicts.map(
    (v) =>
      `| ${v.contender} | ${mb(v.baselineRssBytes)} | ${mb(v.lastMinuteRssBytes)} | ${v.growthBytes >= 0 ? '+' : ''}${mb(v.growthBytes)} (${(v.growthFraction * 100).toFixed(1)} %) | ` +
      `${v.slopeBytesPerMin >= 0 ? '+' : ''}${mb(v.slopeBytesPerMin)} | ${v.flagged ? '**growth beyond bound**' : 'ok'} |`,
  )
  return [
    '## Soak (leak check)',
    '',
    'RSS over the second half of the window (the first half is warm-up: JIT, librdkafka buffers, and the latency rings becoming resident). ' +
      `Flagged when the last minute exceeds the second half's first minute by more than ${SOAK_BOUND.fraction * 100} % and more than ${mb(SOAK_BOUND.bytes)} MB.`,
    '',
    '| contender | RSS, first minute of 2nd half (MB) | RSS, last minute (MB) | growth | slope over 2nd half (MB/min) | verdict |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n')
}
