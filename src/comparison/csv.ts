/**
 * @module comparison/csv
 * reports/performance_comparison.csv: the side-by-side table's figures in tidy form, one row per
 * contender × round × metric, columns `contender,round,metric,unit,value`, for spreadsheets,
 * pandas or R. Values are the reports' own, unrounded, in the unit named on each row (latency in
 * µs as `us`, memory in bytes), so nothing is lost to the markdown's formatting. The metrics are
 * METRIC_GROUPS (the markdown's rows), so the two never disagree. RFC 4180 quoting is a few lines
 * here: no field the project writes needs more, and the field set is fixed.
 *
 * After the rounds, rows with round `pooled`: exchange→ack and pipeline percentiles over all
 * samples of a contender's rounds (their HDR histograms added, comparison/pooled.ts), named as the
 * per-round rows (`latency.exchange_to_ack_p99`), plus `_max` and `_samples`; absent for a
 * contender whose reports carry no histograms.
 */
import type { ComparisonInput } from './input.ts'
import { METRIC_GROUPS, type Metric } from './metrics.ts'
import { METRIC_TITLES } from './pooled-section.ts'
import { poolByContender, pooledOnly, POOLED_METRICS } from './pooled.ts'
import { reportsByContender } from './compare.ts'
import { UNITS, type Unit } from './spread.ts'

export const CSV_COLUMNS = ['contender', 'round', 'metric', 'unit', 'value'] as const

/** The raw unit of what each display unit's metrics read from a report (before any scaling). */
const RAW_UNITS = new Map<Unit, string>([
  [UNITS.count, 'count'],
  [UNITS.rate, 'msg/s'],
  [UNITS.megabytesPerSec, 'bytes/s'],
  [UNITS.percent, 'percent'],
  [UNITS.megabytes, 'bytes'],
  [UNITS.usPerMessage, 'us/msg'],
  [UNITS.cores, 'cores'],
  [UNITS.ms, 'ms'],
  [UNITS.latency, 'us'],
])

function rawUnit(metric: Metric): string {
  // a size printed as a plain number, its unit in the label
  if (metric.label.endsWith('(bytes)')) return 'bytes'
  const unit = RAW_UNITS.get(metric.unit)
  if (!unit) throw new Error(`no CSV unit for the metric "${metric.label}"`)
  return unit
}

/** `latency.exchange_to_ack_p99`: group and label, lower-case, stable across runs. */
export function metricName(group: string, label: string): string {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replaceAll('→', ' to ')
      .replaceAll('.', '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
  return `${slug(group)}.${slug(label)}`
}

/** One field, quoted only when it holds a quote, a comma or a line end (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

/** The CSV text (header row first, CRLF line ends as RFC 4180 has them). */
export function comparisonCsv(input: ComparisonInput): string {
  const rows: string[][] = [[...CSV_COLUMNS]]
  const metrics = METRIC_GROUPS.flatMap((g) => g.metrics.map((m) => [metricName(g.title, m.label), m] as const))
  input.rounds.forEach((reports, r) => {
    for (const report of reports)
      for (const [name, metric] of metrics) {
        const value = metric.get(report)
        rows.push([report.contender, String(r + 1), name, rawUnit(metric), Number.isFinite(value) ? String(value) : ''])
      }
  })
  rows.push(...pooledRows(input))
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
}

/** The round column of the rows over all samples. */
export const POOLED_ROUND = 'pooled'

const POOLED_FIELDS = [
  ['samples', 'count', 'count'],
  ['p50', 'p50Us', 'us'],
  ['p99', 'p99Us', 'us'],
  ['p99.9', 'p999Us', 'us'],
  ['max', 'maxUs', 'us'],
] as const

function pooledRows(input: ComparisonInput): string[][] {
  const contenders = [...reportsByContender(input.rounds).keys()]
  const pooled = pooledOnly(poolByContender(input.rounds, contenders))
  return [...pooled].flatMap(([contender, p]) =>
    POOLED_METRICS.flatMap((metric) =>
      POOLED_FIELDS.map(([label, field, unit]) => [
        contender,
        POOLED_ROUND,
        metricName('Latency', `${METRIC_TITLES[metric]} ${label}`),
        unit,
        String(p.figures[metric][field]),
      ]),
    ),
  )
}
