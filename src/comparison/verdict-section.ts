/**
 * @module comparison/verdict-section
 * The verdicts: for each key metric, who is better only where the 95 % interval of the ratio
 * excludes 1 and the gap is over the metric's threshold, else inconclusive with the interval; the
 * note on what the rounds can say; the table of every ratio to the best.
 */
import type { Contender, Report } from '../contract/report.ts'
import { behindVerdict } from './headline.ts'
import type { ComparisonInput } from './input.ts'
import { table } from './markdown.ts'
import { KEY_METRICS, type Metric } from './metrics.ts'
import {
  excludesOne,
  fewestRounds,
  formatBounds,
  formatInterval,
  intervalConfidence,
  LEVEL,
  ratioInterval,
  shortfall,
  smallestP,
  type RatioInterval,
} from './significance.ts'
import { belowThreshold, bestOf, formatRatio, spreadOf, type Better, type Spread } from './spread.ts'

export function spreadsOf(metric: Metric, byContender: Map<Contender, Report[]>): (Spread | undefined)[] {
  return [...byContender.values()].map((reports) => spreadOf(reports.map(metric.get)))
}

/** The per-round figures of a metric, per contender, in the map's order. */
const valuesOf = (metric: Metric, byContender: Map<Contender, Report[]>) =>
  [...byContender.values()].map((reports) => reports.map(metric.get))

/**
 * How many times worse `other` is than `best` (≥ 1 when worse), with its interval: other ÷ best
 * for lower-is-better figures, best ÷ other for higher-is-better ones.
 */
export function intervalToBest(best: number[], other: number[], better: Better): RatioInterval | undefined {
  return better === 'lower' ? ratioInterval(best, other) : ratioInterval(other, best)
}

/** `×1.15, 95 % CI 1.12–1.18` */
const withInterval = (i: RatioInterval) => `×${formatRatio(i.ratio)}, ${formatInterval(i)}`

/**
 * The plain verdict for one key metric, e.g. "**go** is 1.80× leaner than bun (95 % CI 1.71–1.90)".
 * A contender is beaten only when the 95 % interval of its ratio to the best excludes 1 and the
 * gap is over the metric's threshold; otherwise the verdict is inconclusive and shows the interval.
 */
export function verdict(metric: Metric, byContender: Map<Contender, Report[]>): string {
  return verdictOn(metric, new Map([...byContender].map(([c, reports]) => [c, reports.map(metric.get)])))
}

/** The same verdict on per-round figures that are not a report's (a ladder's saturation points). */
export function verdictOn(
  metric: Pick<Metric, 'better' | 'threshold' | 'verdict'>,
  byContender: Map<Contender, number[]>,
): string {
  const contenders = [...byContender.keys()]
  const values = [...byContender.values()]
  const spreads = values.map(spreadOf)
  const better = metric.better ?? 'lower'
  const best = bestOf(spreads, better)
  if (contenders.length < 2 || best === undefined) return 'only one contender'
  const winner = spreads[best]!
  const pct = `${Math.round((metric.threshold ?? 0) * 100)} %`
  const beaten: string[] = []
  const near: string[] = []
  const open: { name: string; interval?: RatioInterval }[] = []
  for (const [i, s] of spreads.entries()) {
    if (i === best || !s) continue
    const name = contenders[i]!
    const interval = intervalToBest(values[best]!, values[i]!, better)
    if (!interval || !excludesOne(interval)) open.push({ name, interval })
    else if (belowThreshold(winner, s, metric.threshold ?? 0)) near.push(name)
    else
      beaten.push(
        `${formatRatio(interval.ratio)}× ${metric.verdict ?? 'better'} than ${name} (${formatInterval(interval)})`,
      )
  }
  const shown = open.map(({ name, interval }) =>
    interval ? `${name} ${withInterval(interval)}` : `${name} (no ratio: a figure is zero)`,
  )
  const why = open.map((o) => (o.interval ? shortfall(o.interval) : '')).find(Boolean)
  const openText = open.length === 0 ? '' : `inconclusive against ${shown.join('; ')}${why ? ` (${why})` : ''}`
  if (beaten.length === 0) {
    const label =
      open.length === 0 ? `within ${pct}` : near.length === 0 ? 'inconclusive' : `inconclusive or within ${pct}`
    const detail =
      open.length === 0 ? '' : `: ${contenders[best]} is best; ${shown.join('; ')}${why ? ` (${why})` : ''}`
    return `${label} (${contenders.join(', ')})${detail}`
  }
  const rest = [...(near.length > 0 ? [`within ${pct} of ${near.join(', ')}`] : []), ...(openText ? [openText] : [])]
  return `**${contenders[best]}** is ${beaten.join(', ')}${rest.length > 0 ? `; ${rest.join('; ')}` : ''}`
}

/** Every key metric's ratio of each contender to the best, with its interval: the figures the verdicts rest on. */
function intervalTable(byContender: Map<Contender, Report[]>): string {
  const contenders = [...byContender.keys()]
  const rows = KEY_METRICS.map((m) => {
    const values = valuesOf(m, byContender)
    const best = bestOf(spreadsOf(m, byContender), m.better ?? 'lower')
    return [
      `${m.group}: ${m.label}`,
      ...contenders.map((_, i) => {
        if (best === undefined || values[i]!.length === 0) return '—'
        if (i === best) return 'best'
        const interval = intervalToBest(values[best]!, values[i]!, m.better ?? 'lower')
        if (!interval) return '—'
        return `×${formatRatio(interval.ratio)} (${formatBounds(interval.low, interval.high)})`
      }),
    ]
  })
  const counts = [...byContender.values()].map((r) => r.length)
  const confidence = intervalConfidence(Math.min(...counts), Math.min(...counts))
  const label = counts.every((n) => n === 1)
    ? 'ratio to the best (one round: no interval)'
    : `ratio to the best (${Math.round(confidence * 100)} % interval${confidence < LEVEL ? ', the most the rounds allow' : ''})`
  return table([label, ...contenders], rows)
}

/** What the rounds can say, stated with the verdicts: the method and, for few rounds, its limit. */
function intervalNote(input: ComparisonInput, byContender: Map<Contender, Report[]>): string {
  const counts = [...byContender.values()].map((r) => r.length)
  const fewest = Math.min(...counts)
  const floor = fewestRounds()
  const method =
    `Intervals: the ${Math.round(LEVEL * 100)} % Hodges–Lehmann interval of the ratio of two contenders’ per-round figures, from the exact Mann–Whitney U distribution (rank-based, as benchstat decides; its confidence is exact for any number of rounds). ` +
    `A winner is named only where the interval excludes 1 and the gap is over the metric’s threshold.`
  if (fewest >= floor) return method
  if (ladderRounds(input) > 0)
    return `${method} The ladder’s tables hold one run per contender (its highest sustained step): no interval, so no verdict; its saturation points are compared in the ladder section.`
  return (
    `${method} **With ${fewest} round${fewest === 1 ? '' : 's'} per contender no verdict is possible at ${Math.round(LEVEL * 100)} %:** ` +
    (fewest === 1
      ? 'one round measures no noise, so nothing separates a difference from chance. '
      : `the smallest two-sided p-value ${fewest} against ${fewest} rounds can give is ${smallestP(fewest, fewest).toFixed(2)} (every round of one contender above every round of the other), so the intervals shown are the widest the rounds allow, at the confidence they state. `) +
    `Race at least ${floor} rounds (\`--rounds ${floor}\`; the race’s default runs more) for a verdict.`
  )
}

export function verdictSection(input: ComparisonInput, byContender: Map<Contender, Report[]>): string {
  const rows = KEY_METRICS.map((m) => [`${m.group}: ${m.label}`, verdict(m, byContender)])
  const latency = rows.findLastIndex(([label]) => label!.startsWith('Latency:'))
  rows.splice(latency + 1, 0, ['Latency: behind the feed', behindVerdict(byContender, input)])
  return [
    '## Verdict',
    '',
    table(['metric', 'verdict'], rows),
    '',
    intervalNote(input, byContender),
    '',
    intervalTable(byContender),
  ].join('\n')
}

/** a ladder's rounds are rounds of the search; its side-by-side tables hold one run per contender */
export const ladderRounds = (input: ComparisonInput) =>
  Math.max(0, ...Object.values(input.ladder?.saturationByRound ?? {}).map((r) => r.length))
