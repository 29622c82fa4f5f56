/**
 * @module comparison/chart-specs
 * The Vega-Lite spec of the comparison chart (2×2: throughput over time, exchange→ack latency
 * percentiles, RSS over time, CPU per message); the ladder's is comparison/ladder-chart.ts, what
 * both share comparison/chart-style.ts. One fixed colour per contender in every panel (Okabe–Ito,
 * readable with colour-blindness).
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ComparisonInput } from './input.ts'
import { reportsByContender } from './compare.ts'
import type { Contender, Report } from '../contract/report.ts'
import { spreadOf } from './spread.ts'
import { colour, CONFIG, label, PANEL, roundsNote } from './chart-style.ts'

function timeline(byContender: Map<Contender, Report[]>) {
  return [...byContender].flatMap(([contender, reports]) =>
    reports.flatMap((r, round) =>
      r.intervals.map((i) => ({
        contender,
        round: round + 1,
        seconds: i.offsetMs / 1000,
        deliveredPerSec: i.deliveredPerSec,
        rssMb: i.rssBytes / 1e6,
      })),
    ),
  )
}

// zero-based axes: a zoomed axis would draw a 0.1 % wobble as a swing
function overTime(
  values: object[],
  field: string,
  title: string,
  subtitle: string,
  yTitle: string,
  contenders: string[],
) {
  return {
    ...PANEL,
    title: { text: title, subtitle },
    data: { values },
    mark: { type: 'line', strokeWidth: 3, point: { size: 40 } },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'seconds into the measuring window' },
      y: { field, type: 'quantitative', title: yTitle, scale: { zero: true } },
      color: colour(contenders),
      detail: { field: 'round', type: 'ordinal' },
    },
  }
}

function barsWithWhiskers(
  values: object[],
  x: object,
  title: string,
  subtitle: string,
  yTitle: string,
  contenders: string[],
  grouped: boolean,
) {
  const shared = { x, ...(grouped ? { xOffset: { field: 'contender', type: 'nominal', sort: contenders } } : {}) }
  return {
    ...PANEL,
    title: { text: title, subtitle },
    data: { values },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
        encoding: { ...shared, y: { field: 'median', type: 'quantitative', title: yTitle }, color: colour(contenders) },
      },
      {
        mark: { type: 'rule', strokeWidth: 2, color: '#333' },
        encoding: { ...shared, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'text', dy: -10, fontSize: 13, color: '#222' },
        encoding: { ...shared, y: { field: 'max', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  }
}

const PERCENTILES = [
  ['p50', 'p50Us'],
  ['p95', 'p95Us'],
  ['p99', 'p99Us'],
  ['p99.9', 'p999Us'],
] as const

const PERCENTILE_AXIS = {
  field: 'percentile',
  type: 'nominal',
  sort: PERCENTILES.map(([p]) => p),
  title: 'percentile',
  axis: { labelAngle: 0 },
}

/** Per contender and percentile, the pipeline latency over the rounds (ms). */
function latencyBars(byContender: Map<Contender, Report[]>) {
  return [...byContender].flatMap(([contender, reports]) =>
    PERCENTILES.map(([percentile, field]) => {
      const s = spreadOf(reports.map((r) => r.latency.exchangeToAck[field] / 1000))!
      return { contender, percentile, median: s.median, min: s.min, max: s.max, label: label(s.median) }
    }),
  )
}

/** Per contender, CPU µs per delivered message over the rounds. */
function cpuBars(byContender: Map<Contender, Report[]>) {
  return [...byContender].map(([contender, reports]) => {
    const s = spreadOf(reports.map((r) => r.cpu.usPerDeliveredMessage))!
    return { contender, median: s.median, min: s.min, max: s.max, label: label(s.median, ' µs') }
  })
}

function chartTitle(input: ComparisonInput, contenders: string[]) {
  const rounds = input.rounds.length
  const feed = input.feed
    ? ` · local feed ${input.feed.rate.toLocaleString('en-US')} msg/s (${input.feed.profile})`
    : ' · live Upbit feed'
  const window = input.rounds.flat()[0]?.config.testDurationS
  return {
    text: `Upbit → Kafka producers: ${contenders.join(' vs ')}`,
    subtitle: `${input.mode} mode · ${rounds} round${rounds === 1 ? '' : 's'} · ${window ?? '?'} s window${feed} · same librdkafka and settings`,
    fontSize: 26,
    subtitleFontSize: 16,
  }
}

/** The 2×2 comparison chart. */
export function comparisonSpec(input: ComparisonInput): TopLevelSpec {
  const byContender = reportsByContender(input.rounds)
  const contenders = [...byContender.keys()]
  const rounds = input.rounds.length
  const series = timeline(byContender)
  const lines = rounds > 1 ? `one line per contender per round (${rounds} rounds)` : 'one line per contender'
  const contenderAxis = {
    field: 'contender',
    type: 'nominal',
    sort: contenders,
    title: null,
    axis: { labelAngle: 0, labelFontSize: 16 },
  }
  const throughput = overTime(
    series,
    'deliveredPerSec',
    'Delivered throughput over time (msg/s)',
    `5-second intervals; ${lines}`,
    'delivered msg/s',
    contenders,
  )
  const latency = barsWithWhiskers(
    latencyBars(byContender),
    PERCENTILE_AXIS,
    'Latency, exchange → Kafka ack (ms)',
    `${input.feed || input.ladder ? 'from the feed’s intended send time' : 'from Upbit’s timestamp (its clock)'}; pipeline in the report; ${roundsNote(rounds)}`,
    'milliseconds',
    contenders,
    true,
  )
  const rss = overTime(
    series,
    'rssMb',
    'Resident memory (RSS) over time (MB)',
    `sampled every 5 seconds; ${lines}`,
    'RSS MB',
    contenders,
  )
  const cpu = barsWithWhiskers(
    cpuBars(byContender),
    contenderAxis,
    'CPU time per delivered message (µs)',
    `user + system CPU over the window ÷ delivered messages; ${roundsNote(rounds)}`,
    'µs per message',
    contenders,
    false,
  )
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chartTitle(input, contenders),
    config: CONFIG,
    resolve: { scale: { color: 'shared' } },
    vconcat: [{ hconcat: [throughput, latency] }, { hconcat: [rss, cpu] }],
  } as TopLevelSpec
}
