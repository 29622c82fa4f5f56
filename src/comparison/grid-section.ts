/**
 * @module comparison/grid-section
 * The runtime × tier grid: one row per runtime, its as-shipped and tuned contenders side by side,
 * each cell the figures a reader weighs (CPU per message with ×floor, RSS, exchange→ack p99 over
 * all samples; a ladder's from its per-round figures: comparison/ladder-grid), and the glue's share
 * where a runtime raced in both tiers: as shipped ÷ tuned CPU per message with its interval. A
 * runtime's rows come from the reports (`runtime.name`), its tier from the registry entry the run
 * recorded, so a new contender lands in the grid by its entry alone. Below it, the verdicts per
 * tier: the same rule as the overall verdicts (a winner only outside the noise), applied to the
 * contenders of one tier, so "cheapest as shipped" and "cheapest when tuned" are separate answers.
 */
import type { Contender, Report } from '../contract/report.ts'
import type { ComparisonInput } from './input.ts'
import { times } from './floor-section.ts'
import { ladderCell, ladderFigures, ladderTierRows } from './ladder-grid.ts'
import { table } from './markdown.ts'
import { KEY_METRICS } from './metrics.ts'
import { pool } from './pooled.ts'
import { tierOf } from './sections.ts'
import { formatInterval, ratioInterval } from './significance.ts'
import { formatRatio, formatSpread, formatValue, spreadOf, UNITS } from './spread.ts'
import { verdict } from './verdict-section.ts'

export const TIER_COLUMNS = ['as-shipped', 'tuned'] as const

function cell(input: ComparisonInput, c: Contender, reports: Report[]): string {
  const cpu = spreadOf(reports.map((r) => r.cpu.usPerDeliveredMessage))
  const floor = input.floor?.cpuUsPerMessage
  const parts = [
    `CPU ${formatSpread(cpu, UNITS.usPerMessage)}${cpu && floor ? ` (${times(cpu.median, floor)} floor)` : ''}`,
    `RSS ${formatSpread(spreadOf(reports.map((r) => r.memory.rssBytes.avg)), UNITS.megabytes)}`,
  ]
  const pooled = pool(reports.map((report, i) => ({ round: i + 1, report })))
  if ('pooled' in pooled)
    parts.push(`exchange→ack p99 ${formatValue(pooled.pooled.figures.exchangeToAck.p99Us, UNITS.latency)}`)
  return `**${c}**: ${parts.join(', ')}`
}

/** as shipped ÷ tuned CPU per message, per-round figures each: how much of the runtime's cost is its glue. */
function glueShare(shipped: [Contender, number[]] | undefined, tuned: [Contender, number[]] | undefined): string {
  if (!shipped || !tuned) return '—'
  const interval = ratioInterval(tuned[1], shipped[1])
  if (!interval) return '—'
  return `${shipped[0]} ÷ ${tuned[0]}: ×${formatRatio(interval.ratio)} (${formatInterval(interval)})`
}

/** The key metrics a reader weighs per tier: cost, memory and the latency headline. */
const TIER_METRICS = KEY_METRICS.filter((m) =>
  ['CPU per delivered message', 'RSS avg', 'exchange→ack p99'].includes(m.label),
)

/**
 * Each key metric's verdict among the contenders of one tier (a ladder's: its per-round figures);
 * none when no tier raced two, or one tier raced alone.
 */
function tierVerdicts(input: ComparisonInput, tiers: Map<string, Map<Contender, Report[]>>): string {
  const raced = TIER_COLUMNS.filter((t) => (tiers.get(t)?.size ?? 0) >= 2)
  // one tier in the race: the overall verdicts are that tier's already
  if (raced.length === 0 || tiers.size < 2) return ''
  const rows = input.ladder
    ? ladderTierRows(input.ladder, new Map(raced.map((t) => [t, [...tiers.get(t)!.keys()]])))
    : TIER_METRICS.flatMap((m) => raced.map((t) => [`${m.group}: ${m.label}`, t, verdict(m, tiers.get(t)!)]))
  return [
    '',
    '',
    '### Verdicts per tier',
    '',
    'Which runtime is cheapest, leanest and fastest *as shipped*, and which *when tuned*: each tier’s contenders judged among themselves by the rule of the overall verdict (a winner only where the interval excludes 1 and the gap is over the threshold).',
    '',
    table(['metric', 'tier', 'verdict'], rows),
  ].join('\n')
}

export function gridSection(input: ComparisonInput, byContender: Map<Contender, Report[]>): string {
  const runtimes = new Map<string, Map<string, [Contender, Report[]][]>>()
  const byTier = new Map<string, Map<Contender, Report[]>>()
  for (const [c, reports] of byContender) {
    const runtime = reports[0]!.runtime.name
    const tiers = runtimes.get(runtime) ?? new Map<string, [Contender, Report[]][]>()
    const tier = tierOf(c, input.provenance?.contenders)
    tiers.set(tier, [...(tiers.get(tier) ?? []), [c, reports]])
    runtimes.set(runtime, tiers)
    byTier.set(tier, (byTier.get(tier) ?? new Map()).set(c, reports))
  }
  const others = [...new Set([...runtimes.values()].flatMap((t) => [...t.keys()]))].filter(
    (t) => !(TIER_COLUMNS as readonly string[]).includes(t),
  )
  const columns = [...TIER_COLUMNS, ...others]
  const ladder = input.ladder
  // the glue share's per-round CPU figures: a ladder's at its first rate, a race's from its reports
  const cpuOf = (entry: [Contender, Report[]] | undefined): [Contender, number[]] | undefined =>
    entry && [
      entry[0],
      ladder ? ladderFigures(ladder, entry[0]).cpuAtFirst : entry[1].map((r) => r.cpu.usPerDeliveredMessage),
    ]
  const rows = [...runtimes].map(([runtime, tiers]) => [
    runtime,
    ...columns.map(
      (t) =>
        (tiers.get(t) ?? [])
          .map(([c, reports]) => (ladder ? ladderCell(ladder, c) : cell(input, c, reports)))
          .join('<br>') || '—',
    ),
    glueShare(cpuOf(tiers.get('as-shipped')?.[0]), cpuOf(tiers.get('tuned')?.[0])),
  ])
  const cells = ladder
    ? 'Each cell, from the ladder (every contender measured alike, round by round): the saturation point, median (range) over rounds; CPU per message and RSS max at the first rate every round probes, ×floor against librdkafka alone there; CPU at saturation, ×floor at that rate. ' +
      '*Glue share*: the as-shipped contender’s CPU per message at the first rate over the tuned one’s, with its interval over the rounds'
    : 'Each cell: CPU per delivered message, median (range) over rounds' +
      (input.floor ? ', ×floor against librdkafka alone at the same rate' : '') +
      ', RSS avg, exchange→ack p99 over all samples. ' +
      '*Glue share*: the as-shipped contender’s CPU per message over the tuned one’s, with its 95 % interval'
  return (
    [
      '## Runtime × tier',
      '',
      '*As shipped*: the runtime’s mainstream librdkafka binding used as its documentation shows; *tuned*: the thinnest glue the runtime allows (each contender’s glue is in the environment table). ' +
        cells +
        '; — where the runtime raced in one tier only.',
      '',
      table(['runtime', ...columns, ladder ? 'glue share (CPU at the first rate)' : 'glue share (CPU)'], rows),
    ].join('\n') + tierVerdicts(input, byTier)
  )
}
