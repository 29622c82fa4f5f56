/**
 * @module comparison/pooled-section
 * The comparison's "Latency over all samples" section: per contender, exchange→ack and pipeline
 * percentiles over every sample of every round (comparison/pooled.ts) beside the per-round
 * `median (min–max)`, which keeps the spread between rounds in view; a link to the percentile
 * curves; a one-line note for each contender whose reports carry no usable histograms.
 */
import type { Contender, LatencySummary, Report } from '../contract/report.ts'
import { table } from './markdown.ts'
import { poolByContender, pooledOnly, type PooledFigures, type PooledMetric, POOLED_METRICS } from './pooled.ts'
import { formatSpread, formatValue, spreadOf, UNITS } from './spread.ts'

export const METRIC_TITLES: Record<PooledMetric, string> = {
  exchangeToAck: 'exchange→ack',
  pipeline: 'pipeline',
}

/** The percentiles shown: the pooled figure's field and the summaries' field of the same percentile. */
const ROWS = [
  ['p50', 'p50Us'],
  ['p99', 'p99Us'],
  ['p99.9', 'p999Us'],
  ['max', 'maxUs'],
] as const satisfies readonly (readonly [string, keyof PooledFigures & keyof LatencySummary])[]

const NO_HISTOGRAMS = 'carries no latency histograms'

/**
 * The section's markdown. `curves` is the percentile-curves chart's path relative to the
 * markdown (absent: no link).
 */
export function pooledSection(rounds: Report[][], contenders: Contender[], curves?: string): string {
  const pools = poolByContender(rounds, contenders)
  const pooled = pooledOnly(pools)
  const notes = [...pools].flatMap(([c, r]) => ('note' in r ? [{ contender: c, note: r.note }] : []))
  const heading = '## Latency over all samples (rounds pooled)'
  if (pooled.size === 0) {
    const why = notes.every((n) => n.note.includes(NO_HISTOGRAMS))
      ? 'no report carries latency histograms (written before reports carried them)'
      : notes.map((n) => `${n.contender}: ${n.note}`).join('; ')
    return [heading, '', `Pooled percentiles are not available: ${why}.`].join('\n')
  }
  const n = Math.max(...[...pooled.values()].map((p) => p.rounds))
  const rows: string[][] = []
  for (const metric of POOLED_METRICS) {
    rows.push([`**${METRIC_TITLES[metric]}**`, ...contenders.map(() => '')])
    rows.push([
      'samples',
      ...contenders.map((c) => {
        const p = pooled.get(c)
        return p ? formatValue(p.figures[metric].count, UNITS.count) : '—'
      }),
    ])
    for (const [label, field] of ROWS) {
      rows.push([
        `${label}, all samples`,
        ...contenders.map((c) => {
          const p = pooled.get(c)
          return p ? `**${formatValue(p.figures[metric][field], UNITS.latency)}**` : '—'
        }),
      ])
      rows.push([
        `${label}, per round`,
        ...contenders.map((c) => {
          const reports = rounds.flat().filter((r) => r.contender === c)
          return formatSpread(spreadOf(reports.map((r) => r.latency[metric][field])), UNITS.latency)
        }),
      ])
    }
  }
  const spread =
    n > 1
      ? `*per round* is the median (min–max) of the ${n} rounds' own figures: the spread between rounds`
      : '*per round* is the one round’s own figure (one round: no spread between rounds)'
  return [
    heading,
    '',
    `*All samples*: each contender's rounds' HDR histograms added into one, so a percentile is over every message of every round, not a median of per-round percentiles; ${spread}.` +
      (curves ? ` The latency-by-percentile curves over all samples: [${curves}](${curves}).` : ''),
    '',
    table(['', ...contenders], rows),
    ...(notes.length > 0
      ? ['', ...notes.map((x) => `- Pooled percentiles are not available for ${x.contender}: ${x.note}.`)]
      : []),
  ].join('\n')
}
