/**
 * @module comparison/run-delta
 * Two runs side by side, as benchstat shows two sets of benchmarks: per contender and key
 * metric, old → new (median (min–max) over each run's rounds), the change in %, its 95 % interval
 * (comparison/significance: the Hodges–Lehmann interval of new ÷ old over the rounds) and a
 * verdict: better or worse only where the interval excludes no change, otherwise inconclusive.
 * `--fail-on-regression PCT` turns the worse rows past PCT % into a failing exit, for a user's CI.
 */
import { refuseMismatched, reportsByContender } from './compare.ts'
import { table } from './markdown.ts'
import { KEY_METRICS, type Metric } from './metrics.ts'
import type { LoadedRun } from './runs.ts'
import { excludesOne, fewestRounds, LEVEL, ratioInterval, smallestP, type RatioInterval } from './significance.ts'
import { formatSpread, spreadOf } from './spread.ts'

export type Direction = 'better' | 'worse' | 'inconclusive'

export interface DeltaRow {
  contender: string
  metric: Metric & { group: string }
  old: number[]
  new: number[]
  /** new ÷ old with its interval; undefined when a figure is not positive */
  interval?: RatioInterval
  verdict: Direction
}

/** better / worse only where the interval excludes 1; a rise is worse when lower is better. */
function directionOf(metric: Metric, interval: RatioInterval | undefined): Direction {
  if (!interval || !excludesOne(interval)) return 'inconclusive'
  const rose = interval.low > 1
  return rose === (metric.better === 'higher') ? 'better' : 'worse'
}

/** Every key metric of every contender both runs have, in the old run's order. */
export function deltaRows(a: LoadedRun, b: LoadedRun): DeltaRow[] {
  const olds = reportsByContender(a.rounds)
  const news = reportsByContender(b.rounds)
  const rows: DeltaRow[] = []
  for (const [contender, oldReports] of olds) {
    const newReports = news.get(contender)
    if (!newReports) continue
    for (const metric of KEY_METRICS) {
      const old = oldReports.map(metric.get)
      const now = newReports.map(metric.get)
      const interval = ratioInterval(old, now)
      rows.push({ contender, metric, old, new: now, interval, verdict: directionOf(metric, interval) })
    }
  }
  return rows
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} %`
const change = (ratio: number) => signed((ratio - 1) * 100)

/** The change past which a worse row fails `--fail-on-regression PCT`, as a % of the old figure. */
function worseningPct(row: DeltaRow): number {
  if (!row.interval) return 0
  const pct = (row.interval.ratio - 1) * 100
  // a throughput that fell by 30 % got worse by 30 %, as a CPU cost that rose by 30 %
  return row.metric.better === 'higher' ? -pct : pct
}

/** The rows that got worse by more than `pct` % with the interval excluding no change. */
export function regressions(rows: DeltaRow[], pct: number): DeltaRow[] {
  return rows.filter((r) => r.verdict === 'worse' && worseningPct(r) > pct)
}

const only = (from: LoadedRun, other: LoadedRun) => {
  const there = new Set(other.rounds.flat().map((r) => r.contender))
  return [...new Set(from.rounds.flat().map((r) => r.contender))].filter((c) => !there.has(c))
}

function describeRun(label: string, run: LoadedRun): string {
  const contenders = [...reportsByContender(run.rounds).keys()]
  const n = run.rounds.length
  return `${label}: ${run.dir} (${run.layout}, ${n} round${n === 1 ? '' : 's'}; ${contenders.join(', ')})`
}

/** The whole printout of `--compare A B`: a header, the table, the notes; markdown. */
export function renderDelta(a: LoadedRun, b: LoadedRun, rows: DeltaRow[]): string {
  const lines = [`# ${a.given} → ${b.given}`, '', `- old ${describeRun('A', a)}`, `- new ${describeRun('B', b)}`]
  for (const [label, names] of [
    ['only in A', only(a, b)],
    ['only in B', only(b, a)],
  ] as const)
    if (names.length > 0) lines.push(`- ${label} (not compared): ${names.join(', ')}`)
  try {
    refuseMismatched([...a.rounds.flat(), ...b.rounds.flat()])
  } catch (error) {
    // comparing two librdkafka versions or settings may be the point; it must not pass unnoticed
    lines.push(
      `- **Note:** the runs differ in what they ran: ${(error as Error).message.replace(/^refusing to compare [^:]*: /, '')}`,
    )
  }
  const notComplete = [a, b].flatMap((run, k) =>
    run.rounds.flatMap((round, r) =>
      round.filter((x) => x.status !== 'complete').map((x) => `${'AB'[k]} round ${r + 1} ${x.contender} ${x.status}`),
    ),
  )
  if (notComplete.length > 0) lines.push(`- **Warning:** not every run was complete: ${notComplete.join(', ')}`)
  const level = `${Math.round(LEVEL * 100)} %`
  lines.push(
    '',
    table(
      ['contender', 'metric', 'old', 'new', 'change', `${level} CI`, 'verdict'],
      rows.map((row) => [
        row.contender,
        `${row.metric.group}: ${row.metric.label}`,
        formatSpread(spreadOf(row.old), row.metric.unit),
        formatSpread(spreadOf(row.new), row.metric.unit),
        row.interval ? change(row.interval.ratio) : '—',
        row.interval
          ? `${change(row.interval.low)} … ${change(row.interval.high)}${row.interval.attainable ? '' : ` (${Math.round(row.interval.confidence * 100)} %)`}`
          : 'no ratio (a figure is zero)',
        row.verdict,
      ]),
    ),
    '',
    `Change: new ÷ old − 1 of the medians. CI: the ${level} Hodges–Lehmann interval of new ÷ old over the rounds (exact Mann–Whitney U distribution, as benchstat). ` +
      `**better** / **worse**: the interval excludes no change; **inconclusive**: it holds it.`,
  )
  const fewest = Math.min(a.rounds.length, b.rounds.length)
  const short = rows.find((r) => r.interval && !r.interval.attainable)?.interval
  if (short)
    lines.push(
      '',
      `**${a.rounds.length} against ${b.rounds.length} rounds cannot reach ${level}:** the smallest two-sided p-value they can give is ${smallestP(a.rounds.length, b.rounds.length).toFixed(2)}, so every row is inconclusive and the intervals are the widest the rounds allow, at the confidence in brackets. ` +
        `Runs of at least ${fewestRounds()} rounds each can name a change${fewest < fewestRounds() ? '' : ' (a contender missing rounds has fewer)'}.`,
    )
  return `${lines.join('\n')}\n`
}
