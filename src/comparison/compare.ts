/**
 * @module comparison/compare
 * The comparison: refuses reports that were not produced under the same librdkafka and producer
 * settings, and turns the rounds' reports into reports/performance_comparison_report.md
 * (side-by-side table with `median (lo–hi)` over rounds, an interval for the median, ratios
 * against the best, verdicts on a 95 % interval of each ratio, the runtime × tier grid, latency percentiles over all samples
 * (the rounds' histograms pooled), the tail over time, the original
 * project's expectations beside the measurements, audit and reliability).
 */
import type { ComparisonInput, Provenance } from './input.ts'
import { floorSection } from './floor-section.ts'
import { gridSection } from './grid-section.ts'
import { headlineSection } from './headline.ts'
import { intervalsSection } from './intervals.ts'
import { ladderSection } from './ladder-section.ts'
import { METRIC_GROUPS } from './metrics.ts'
import type { Contender, Report } from '../contract/report.ts'
import { CONTENDER_NAMES } from '../registry/registry.ts'
import {
  auditSection,
  environmentSection,
  feedSection,
  machineSection,
  howToReadSection,
  reliabilitySection,
  settingsSection,
} from './sections.ts'
import { table } from './markdown.ts'
import { originalSection } from './original.ts'
import { CURVES_CHART } from './percentile-curves.ts'
import { pooledSection } from './pooled-section.ts'
import { ladderRounds, spreadsOf, verdictSection } from './verdict-section.ts'
import { bestOf, formatRatio, formatSpread, ratioToBest } from './spread.ts'

/**
 * Throws unless every report ran the same librdkafka version with the same producer settings;
 * the message names the contenders and the differing version or setting keys.
 */
export function refuseMismatched(reports: Report[]): void {
  if (reports.length < 2) return
  const problems: string[] = []
  const versions = new Map<string, Set<string>>()
  for (const r of reports)
    versions.set(r.librdkafka.version, (versions.get(r.librdkafka.version) ?? new Set()).add(r.contender))
  if (versions.size > 1) {
    const list = [...versions].map(([v, cs]) => `${[...cs].join(', ')}: ${v}`).join('; ')
    problems.push(`librdkafka version differs (${list})`)
  }
  const keys = new Set(reports.flatMap((r) => Object.keys(r.producerSettings)))
  for (const key of [...keys].sort()) {
    const values = new Map<string, Set<string>>()
    for (const r of reports) {
      const v = r.producerSettings[key] ?? '(unset)'
      values.set(v, (values.get(v) ?? new Set()).add(r.contender))
    }
    if (values.size > 1) {
      const list = [...values].map(([v, cs]) => `${[...cs].join(', ')}: ${v}`).join('; ')
      problems.push(`producer setting ${key} differs (${list})`)
    }
  }
  if (problems.length > 0) {
    const names = [...new Set(reports.map((r) => r.contender))].join(', ')
    throw new Error(`refusing to compare ${names}: ${problems.join('; ')}`)
  }
}

export type { ComparisonInput, LadderResult, LadderStep } from './input.ts'

/** Each contender's reports over the rounds, registered ones in the registry's order, then the rest as met. */
export function reportsByContender(rounds: Report[][]): Map<Contender, Report[]> {
  const map = new Map<Contender, Report[]>()
  const seen = rounds.flat().map((r) => r.contender)
  for (const c of new Set([...CONTENDER_NAMES.filter((n) => seen.includes(n)), ...seen])) {
    const reports = rounds.flatMap((round) => round.filter((r) => r.contender === c))
    if (reports.length > 0) map.set(c, reports)
  }
  return map
}

function sideBySide(byContender: Map<Contender, Report[]>): string {
  const contenders = [...byContender.keys()]
  const rows: string[][] = []
  for (const group of METRIC_GROUPS) {
    rows.push([`**${group.title}**`, ...contenders.map(() => '')])
    for (const metric of group.metrics) {
      const spreads = spreadsOf(metric, byContender)
      const best = metric.better && contenders.length > 1 ? bestOf(spreads, metric.better) : undefined
      const cells = spreads.map((s, i) => {
        const text = formatSpread(s, metric.unit)
        if (best === undefined || i === best || !s) return text
        const ratio = ratioToBest(spreads[best]!.median, s.median, metric.better!)
        return ratio === undefined || formatRatio(ratio) === '1.00' ? text : `${text} ×${formatRatio(ratio)}`
      })
      rows.push([metric.label, ...cells])
    }
  }
  return ['## Side by side', '', table(['', ...contenders], rows)].join('\n')
}

function mode(input: ComparisonInput): string {
  const n = ladderRounds(input)
  const rounds = (k: number) => `${k} round${k === 1 ? '' : 's'}`
  return n > 0
    ? `saturation ladder (${input.mode}), ${rounds(n)} of the search`
    : `${input.mode}, ${rounds(input.rounds.length)}`
}

function projectState(p: Provenance): string {
  if (p.commit === 'unknown') return 'commit unknown (no git repository or no git)'
  const tree =
    p.dirty === 'unknown'
      ? 'tree state unknown'
      : p.dirty
        ? '**with uncommitted changes** (what ran is not exactly this commit)'
        : 'tree clean'
  return `commit \`${p.commit}\`, ${tree}`
}

function header(input: ComparisonInput, byContender: Map<Contender, Report[]>): string {
  const reports = input.rounds.flat()
  const durations = [...new Set(reports.map((r) => r.config.testDurationS))].join(', ')
  const lines = [
    `# Upbit → Kafka producer comparison: ${[...byContender.keys()].join(' vs ')}`,
    '',
    `- Command: \`${input.commandLine}\``,
    ...(input.provenance ? [`- Project: ${projectState(input.provenance)}`] : []),
    `- Date: ${input.startedAt}`,
    `- Mode: ${mode(input)}, ${durations} s window` +
      (input.warmupS !== undefined
        ? ` after a warm-up of at least ${input.warmupS} s (produced, audited, never counted)`
        : ''),
  ]
  if (input.order?.length)
    lines.push(
      `- Order within rounds (${input.mode === 'concurrent' ? 'started and connected in' : 'run in'}, rotating by round): ${input.order.map((o, r) => `round ${r + 1}: ${o.join(', ')}`).join('; ')}`,
    )
  if (ladderRounds(input) > 0)
    lines.push("- The tables before the ladder section show each contender's highest sustained step, one run each.")
  const notComplete = reports.filter((r) => r.status !== 'complete')
  if (notComplete.length > 0) {
    const list = notComplete.map(
      (r) =>
        `${r.contender} ${r.status}${r.statusReasons.length > 0 ? ` (${r.statusReasons.map((x) => x.message).join('; ')})` : ''}`,
    )
    lines.push(
      '',
      `> **Warning:** not every run met its contract: ${list.join(', ')}. Their figures are shown but the bench failed.`,
    )
  }
  const missing = input.rounds.flatMap((round, i) =>
    [...byContender.keys()].filter((c) => !round.some((r) => r.contender === c)).map((c) => `${c} (round ${i + 1})`),
  )
  if (missing.length > 0)
    lines.push('', `> **Warning:** no report from ${missing.join(', ')}; figures use the rounds that reported.`)
  return lines.join('\n')
}

/** Where the markdown is written relative to the rest. */
export interface CompareOptions {
  /** the charts directory relative to the markdown, for links (absent: no links) */
  charts?: string
}

/** The comparison report as markdown. */
export function compareReports(input: ComparisonInput, options: CompareOptions = {}): string {
  const byContender = reportsByContender(input.rounds)
  const reports = input.rounds.flat()
  if (reports.length === 0) return `# Upbit → Kafka producer comparison\n\nNo contender produced a report.\n`
  const sections = [
    header(input, byContender),
    environmentSection(input.environment, byContender, input.broker, input.provenance?.contenders),
    feedSection(input.feed, reports),
    ...(input.machineBusy?.length ? [machineSection(input.machineBusy)] : []),
    settingsSection(input.settings),
    headlineSection(input, byContender),
    verdictSection(input, byContender),
    gridSection(input, byContender),
    pooledSection(
      input.rounds,
      [...byContender.keys()],
      options.charts === undefined ? undefined : `${options.charts}/${CURVES_CHART}.png`,
    ),
    sideBySide(byContender),
    ...(input.floor ? [floorSection(input.floor, byContender)] : []),
    intervalsSection(input.rounds, [...byContender.keys()]),
    originalSection(
      byContender,
      {
        saturation: input.ladder?.saturation as Record<Contender, number | null> | undefined,
        lowerBound: Object.fromEntries(
          Object.entries(input.ladder?.limitVerdicts ?? {}).map(([c, v]) => [c, v.lowerBound === true]),
        ),
      },
      input.feed?.rate,
    ),
    auditSection(input.audit),
    reliabilitySection(byContender),
    ...(input.ladder ? [ladderSection(input.ladder)] : []),
    howToReadSection(input.rounds.length, ladderRounds(input)),
  ]
  return `${sections.join('\n\n')}\n`
}
