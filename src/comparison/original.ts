/**
 * @module comparison/original
 * The original project's expected-results table (Python vs Go), exactly as
 * ../shared/seed/original-project.md states it, beside what the matching contenders measured
 * here, each row marked inside, above or below the expected range. The figures are the original
 * project's expectations, never measurements; it gave none for TypeScript, Bun, Node.js or CPU.
 */
import type { Contender, Report } from '../contract/report.ts'
import { REGISTRY } from '../registry/registry.ts'
import { table } from './markdown.ts'
import { formatSpread, spreadOf, UNITS, type Unit } from './spread.ts'

interface ExpectedRange {
  low: number
  high: number
  /** the original's text, verbatim */
  text: string
}

interface Row {
  item: string
  go: ExpectedRange
  python: ExpectedRange
  remark: string
  /** what here is compared with it, in the original's unit */
  measure: (r: Report) => number
  unit: Unit
  /** how the measured figure is taken */
  how: string
}

const MB = 1e6

/** The expected figures, verbatim from the original project's README (see the module comment). */
export const ORIGINAL_ROWS: Row[] = [
  {
    item: 'throughput',
    go: { low: 1500, high: 3000, text: '1,500–3,000 msg/s' },
    python: { low: 800, high: 1500, text: '800–1,500 msg/s' },
    remark: 'Go 1.5–2× higher',
    measure: (r) => r.throughput.deliveredPerSec,
    unit: UNITS.rate,
    how: 'delivered msg/s over the window',
  },
  {
    item: 'memory use',
    go: { low: 20, high: 50, text: '20–50 MB' },
    python: { low: 40, high: 120, text: '40–120 MB' },
    remark: 'Go about 1/2–1/3',
    measure: (r) => r.memory.rssBytes.avg / MB,
    unit: () => ({ div: 1, suffix: ' MB' }),
    how: 'RSS average over the window',
  },
  {
    item: 'latency (P95)',
    go: { low: 1, high: 5, text: '1–5 ms' },
    python: { low: 3, high: 10, text: '3–10 ms' },
    remark: 'Go lower overall',
    measure: (r) => r.latency.pipeline.p95Us / 1000,
    unit: () => ({ div: 1, suffix: ' ms' }),
    how: 'pipeline p95 (frame in → Kafka ack)',
  },
  {
    item: 'delivery success rate',
    go: { low: 99.9, high: 100, text: '99.9%+' },
    python: { low: 99.9, high: 100, text: '99.9%+' },
    remark: 'both highly stable',
    measure: (r) =>
      r.messages.received - r.messages.invalid <= 0
        ? 0
        : (100 * r.messages.delivered) / (r.messages.received - r.messages.invalid),
    unit: UNITS.percent,
    how: 'delivered ÷ valid frames of the window',
  },
  {
    item: 'WebSocket connections',
    go: { low: 20, high: 30, text: '20–30' },
    python: { low: 20, high: 30, text: '20–30' },
    remark: 'same (all markets covered)',
    measure: (r) => r.connections.planned - r.connections.failed,
    unit: UNITS.count,
    how: 'connections kept (planned − given up)',
  },
]

/** inside, above or below the expected range, judged on the median over rounds */
export function placement(value: number, range: ExpectedRange): 'inside' | 'above' | 'below' {
  if (value < range.low) return 'below'
  if (value > range.high) return 'above'
  return 'inside'
}

/** Overrides from a ladder run: throughput is the saturation point there, not the feed's offer. */
export interface OriginalOverrides {
  saturation?: Partial<Record<Contender, number | null>>
  /** contenders whose saturation point is only a lower bound (the rig gave out first) */
  lowerBound?: Partial<Record<string, boolean>>
}

function measuredCell(
  row: Row,
  reports: Report[] | undefined,
  range: ExpectedRange,
  o: OriginalOverrides,
  c: Contender,
): [string, string] {
  if (row.item === 'throughput' && o.saturation && c in o.saturation) {
    const rate = o.saturation[c]
    if (rate === null || rate === undefined) return ['no sustained step', '—']
    // a lower bound above the range is above it; inside or below, the true figure may be higher
    if (o.lowerBound?.[c]) {
      const place = placement(rate, range)
      return [
        `≥ ${rate.toLocaleString('en-US')} msg/s (saturation point, the rig's limit)`,
        place === 'above' ? 'above' : `${place} or above`,
      ]
    }
    return [`${rate.toLocaleString('en-US')} msg/s (saturation point)`, placement(rate, range)]
  }
  if (!reports) return ['not in this run', '—']
  const s = spreadOf(reports.map(row.measure))!
  // the race's throughput is the feed's offer, not a capacity: a placement would mislead
  if (row.item === 'throughput') return [formatSpread(s, row.unit), 'not comparable']
  return [formatSpread(s, row.unit), placement(s.median, range)]
}

function connectionsNote(byContender: Map<Contender, Report[]>): string {
  const r = [...byContender.values()][0]?.[0]
  if (!r) return ''
  return `${r.markets.count} markets at ${r.config.marketsPerConnection} per connection make ${r.connections.planned}; the original expected 20–30 for the shorter market list of its day.`
}

/**
 * The contender that answers one column of the original table: the registered one declaring it
 * (the as-shipped one first, as the original project used its bindings as shipped) that ran.
 */
function answering(column: 'Go' | 'Python', byContender: Map<Contender, Report[]>): Contender | undefined {
  const candidates = REGISTRY.filter((e) => e.original === column && byContender.has(e.name))
  return (candidates.find((e) => e.tier === 'as-shipped') ?? candidates[0])?.name
}

export function originalSection(
  byContender: Map<Contender, Report[]>,
  overrides: OriginalOverrides = {},
  feedRate?: number,
): string {
  // no registered contender in this run answers a column: its measured cells say "not in this run"
  const go = answering('Go', byContender) ?? 'Go'
  const py = answering('Python', byContender) ?? 'Python'
  const rows = ORIGINAL_ROWS.map((row) => {
    const [goMeasured, goPlace] = measuredCell(row, byContender.get(go), row.go, overrides, go)
    const [pyMeasured, pyPlace] = measuredCell(row, byContender.get(py), row.python, overrides, py)
    return [row.item, row.go.text, goMeasured, goPlace, row.python.text, pyMeasured, pyPlace, row.remark, row.how]
  })
  const throughputNote = overrides.saturation
    ? 'Throughput here is each contender’s saturation point on the ladder (the highest offered rate it sustained), which is a capacity; the original’s figure was what the live market delivered in 60 s, so even this comparison is only indicative.'
    : `The original’s throughput is what the live market delivered in 60 s, so it measured the market, not the producers; here the feed offers ${feedRate ? `${feedRate.toLocaleString('en-US')} msg/s` : 'a fixed rate'}, so the throughput row is not comparable (the saturation ladder, \`--ladder\`, measures capacity).`
  return [
    '## The original project’s expectations beside the measurements',
    '',
    'The original project compared a Python and a Go producer. Its README gave this table of **expected** results ' +
      '(its words: “actual results vary with the system, network conditions and market activity”); the expected columns are ' +
      'quoted from it and are not measurements. It gave no figures for TypeScript, Bun, Node.js or CPU. ' +
      'The measured columns are this run’s, as median (min–max) over rounds, each placed inside, above or below the expected range.',
    '',
    table(
      [
        'item',
        'Go: expected',
        `${go}: measured`,
        go,
        'Python: expected',
        `${py}: measured`,
        py,
        'its remark',
        'measured as',
      ],
      rows,
    ),
    '',
    throughputNote,
    `Connections: ${connectionsNote(byContender)}`,
  ].join('\n')
}
