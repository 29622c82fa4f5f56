/**
 * @module comparison/intervals
 * The tail over time: each round's per-interval pipeline p99 series (5-second intervals of the
 * window), and the intervals whose p99 exceeds TAIL_FACTOR × the median interval p99 of that
 * contender, named, so a cold start or a stall shows where it happened instead of hiding in one
 * run-wide p99.
 */
import type { Contender, Report } from '../contract/report.ts'
import { table } from './markdown.ts'
import { formatValue, spreadOf, UNITS } from './spread.ts'

export const TAIL_FACTOR = 3

export interface FlaggedInterval {
  contender: Contender
  round: number
  fromMs: number
  toMs: number
  p99Us: number
  medianUs: number
}

/** The intervals that carried messages, with where each starts. */
function intervalsOf(report: Report): { fromMs: number; toMs: number; p99Us: number }[] {
  let from = 0
  const out: { fromMs: number; toMs: number; p99Us: number }[] = []
  for (const i of report.intervals) {
    if (i.delivered > 0) out.push({ fromMs: from, toMs: i.offsetMs, p99Us: i.pipelineP99Us })
    from = i.offsetMs
  }
  return out
}

/** Round number (1-based) of each report of one contender, from the rounds they came in. */
function roundsOf(rounds: Report[][], contender: Contender): [number, Report][] {
  return rounds.flatMap((round, r) =>
    round.filter((x) => x.contender === contender).map((x): [number, Report] => [r + 1, x]),
  )
}

export function flagIntervals(rounds: Report[][], contenders: Contender[]): FlaggedInterval[] {
  const flagged: FlaggedInterval[] = []
  for (const contender of contenders) {
    const mine = roundsOf(rounds, contender)
    const median = spreadOf(mine.flatMap(([, r]) => intervalsOf(r).map((i) => i.p99Us)))?.median ?? 0
    if (median <= 0) continue
    for (const [round, report] of mine) {
      for (const i of intervalsOf(report)) {
        if (i.p99Us > TAIL_FACTOR * median) flagged.push({ contender, round, ...i, medianUs: median })
      }
    }
  }
  return flagged
}

export function describeFlag(f: FlaggedInterval): string {
  const s = (ms: number) => `${Math.round(ms / 1000)}`
  return `${f.contender} round ${f.round}, ${s(f.fromMs)}–${s(f.toMs)} s: p99 ${formatValue(f.p99Us, UNITS.latency)} (${(f.p99Us / f.medianUs).toFixed(1)}× its median interval p99 ${formatValue(f.medianUs, UNITS.latency)})`
}

/** The first interval's p99 over that round's median interval p99: the cold-start check. */
export function firstIntervalRatio(report: Report): number | undefined {
  const series = intervalsOf(report)
  const median = spreadOf(series.map((i) => i.p99Us))?.median
  if (!median || series.length === 0) return undefined
  return series[0]!.p99Us / median
}

export function intervalsSection(rounds: Report[][], contenders: Contender[]): string {
  const flagged = flagIntervals(rounds, contenders)
  const longest = Math.max(0, ...rounds.flat().map((r) => r.intervals.length))
  const offsets =
    rounds
      .flat()
      .find((r) => r.intervals.length === longest)
      ?.intervals.map((i) => `${Math.round(i.offsetMs / 1000)} s`) ?? []
  const rows = contenders.flatMap((c) =>
    roundsOf(rounds, c).map(([round, r]) => {
      const ratio = firstIntervalRatio(r)
      return [
        `${c} r${round}`,
        ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
        ...offsets.map((_, k) => {
          const i = r.intervals[k]
          return i && i.delivered > 0 ? formatValue(i.pipelineP99Us, UNITS.latency) : '—'
        }),
      ]
    }),
  )
  return [
    '## The tail over time',
    '',
    `Pipeline p99 of every 5-second interval of every round (columns: the interval's end). An interval is flagged when its p99 exceeds ${TAIL_FACTOR}× the median interval p99 of that contender; *first ÷ median* is the first interval's p99 over that round's median interval p99 (cold start).`,
    '',
    flagged.length === 0
      ? 'No interval flagged.'
      : `**Flagged intervals:**\n\n${flagged.map((f) => `- ${describeFlag(f)}`).join('\n')}`,
    '',
    table(['contender, round', 'first ÷ median', ...offsets], rows),
  ].join('\n')
}
