/**
 * @module comparison/chart-specs
 * Vega-Lite specs for the comparison chart (2×2: throughput over time, exchange→ack latency
 * percentiles (the headline), RSS over time, CPU per message) and the saturation ladder chart. One fixed colour
 * per contender in every panel (Okabe–Ito, readable with colour-blindness).
 */
import type { TopLevelSpec } from 'vega-lite'
import type { ComparisonInput, LadderResult } from './input.ts'
import { reportsByContender } from './compare.ts'
import type { Contender, Report } from '../contract/report.ts'
import { REGISTRY } from '../registry/registry.ts'
import { spreadOf } from './spread.ts'

/** A contender's colour: its registry entry's, grey for a report of an unregistered one. */
export const colorOf = (c: Contender): string => REGISTRY.find((e) => e.name === c)?.color ?? '#777777'
export const FONT = 'DejaVu Sans'

const PANEL = { width: 660, height: 300 }

const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 24,
  title: { fontSize: 20, subtitleFontSize: 14, subtitleColor: '#555', anchor: 'start', offset: 12 },
  axis: {
    labelFontSize: 14,
    titleFontSize: 15,
    titleFontWeight: 'normal',
    gridColor: '#e6e6e6',
    labelOverlap: 'greedy',
    labelSeparation: 10,
  },
  // the same y-axis room in every panel, so the panels of a column line up
  axisY: { minExtent: 56 },
  legend: { labelFontSize: 16, titleFontSize: 16, symbolSize: 220, symbolStrokeWidth: 4 },
  view: { stroke: '#ccc' },
  concat: { spacing: 56 },
} as const

function colour(contenders: string[]) {
  return {
    field: 'contender',
    type: 'nominal',
    scale: { domain: contenders, range: contenders.map(colorOf) },
    legend: { title: null, orient: 'top', direction: 'horizontal' },
  } as const
}

/** Milliseconds with about three significant figures, for bar labels. */
function label(x: number, unit = ''): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
  return `${x.toFixed(digits)}${unit}`
}

function roundsNote(n: number): string {
  return n > 1 ? `median of ${n} rounds; whiskers span min–max` : 'one round'
}

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

/** The 2×2 comparison chart. */
export function comparisonSpec(input: ComparisonInput): TopLevelSpec {
  const byContender = reportsByContender(input.rounds)
  const contenders = [...byContender.keys()]
  const rounds = input.rounds.length
  const series = timeline(byContender)
  const percentiles = [
    ['p50', 'p50Us'],
    ['p95', 'p95Us'],
    ['p99', 'p99Us'],
    ['p99.9', 'p999Us'],
  ] as const
  const latency = [...byContender].flatMap(([contender, reports]) =>
    percentiles.map(([percentile, field]) => {
      const s = spreadOf(reports.map((r) => r.latency.exchangeToAck[field] / 1000))!
      return { contender, percentile, median: s.median, min: s.min, max: s.max, label: label(s.median) }
    }),
  )
  const cpu = [...byContender].map(([contender, reports]) => {
    const s = spreadOf(reports.map((r) => r.cpu.usPerDeliveredMessage))!
    return { contender, median: s.median, min: s.min, max: s.max, label: label(s.median, ' µs') }
  })
  const feed = input.feed
    ? ` · local feed ${input.feed.rate.toLocaleString('en-US')} msg/s (${input.feed.profile})`
    : ' · live Upbit feed'
  const window = input.rounds.flat()[0]?.config.testDurationS
  const lines = rounds > 1 ? `one line per contender per round (${rounds} rounds)` : 'one line per contender'
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Upbit → Kafka producers: ${contenders.join(' vs ')}`,
      subtitle: `${input.mode} mode · ${rounds} round${rounds === 1 ? '' : 's'} · ${window ?? '?'} s window${feed} · same librdkafka and settings`,
      fontSize: 26,
      subtitleFontSize: 16,
    },
    config: CONFIG,
    resolve: { scale: { color: 'shared' } },
    vconcat: [
      {
        hconcat: [
          overTime(
            series,
            'deliveredPerSec',
            'Delivered throughput over time (msg/s)',
            `5-second intervals; ${lines}`,
            'delivered msg/s',
            contenders,
          ),
          barsWithWhiskers(
            latency,
            {
              field: 'percentile',
              type: 'nominal',
              sort: percentiles.map(([p]) => p),
              title: 'percentile',
              axis: { labelAngle: 0 },
            },
            'Latency, exchange → Kafka ack (ms)',
            `${input.feed || input.ladder ? 'from the feed’s intended send time' : 'from Upbit’s timestamp (its clock)'}; pipeline in the report; ${roundsNote(rounds)}`,
            'milliseconds',
            contenders,
            true,
          ),
        ],
      },
      {
        hconcat: [
          overTime(
            series,
            'rssMb',
            'Resident memory (RSS) over time (MB)',
            `sampled every 5 seconds; ${lines}`,
            'RSS MB',
            contenders,
          ),
          barsWithWhiskers(
            cpu,
            {
              field: 'contender',
              type: 'nominal',
              sort: contenders,
              title: null,
              axis: { labelAngle: 0, labelFontSize: 16 },
            },
            'CPU time per delivered message (µs)',
            `user + system CPU over the window ÷ delivered messages; ${roundsNote(rounds)}`,
            'µs per message',
            contenders,
            false,
          ),
        ],
      },
    ],
  } as TopLevelSpec
}

/** The saturation ladder: delivered vs offered rate, and exchange→ack p99 (the sustained rule's) vs delivered rate. */
export function ladderSpec(ladder: LadderResult): TopLevelSpec {
  const contenders = [...new Set(ladder.steps.map((s) => s.contender))]
  // steps saved before exchange→ack was recorded were judged by pipeline p99
  const byExchange = ladder.steps.some((s) => s.exchangeToAckP99Us !== undefined)
  const steps = ladder.steps.map((s) => ({ ...s, p99Ms: (s.exchangeToAckP99Us ?? s.pipelineP99Us) / 1000 }))
  const p99Name = byExchange ? 'exchange→ack p99' : 'pipeline p99'
  const offered = steps.map((s) => s.offeredPerSec)
  const ideal = offered.length > 0 ? [Math.min(...offered), Math.max(...offered)].map((x) => ({ x, y: x })) : []
  const limits = ladder.limits.map((l) => ({
    ...l,
    label: `${l.name}: ${Math.round(l.messagesPerSec).toLocaleString('en-US')} msg/s`,
  }))
  const log = { type: 'log' } as const
  // the floor's rows at one rate each, rates it kept up with (a row that fell behind measured less)
  const floor = (ladder.floor ?? [])
    .filter((f) => f.ratePerSec > 0 && f.cpuUsPerMessage > 0 && !f.behind)
    .sort((a, b) => a.ratePerSec - b.ratePerSec)
  // limits told apart by dash pattern with a legend: text on the rules overlaps when limits are close
  const limitRule = (axis: 'x' | 'y') => ({
    data: { values: limits },
    mark: { type: 'rule', color: '#888', strokeWidth: 2 },
    encoding: {
      [axis]: { field: 'messagesPerSec', type: 'quantitative' },
      strokeDash: {
        field: 'label',
        type: 'nominal',
        title: 'physical limits',
        legend: { orient: 'bottom', direction: 'vertical', labelLimit: 600 },
      },
    },
  })
  // one line per contender through its steps, both axes log
  const stepLine = (x: string, xTitle: string, y: string, yTitle: string) => ({
    data: { values: steps },
    mark: { type: 'line', strokeWidth: 3, point: { size: 60 } },
    encoding: {
      x: { field: x, type: 'quantitative', scale: log, title: xTitle },
      y: { field: y, type: 'quantitative', scale: log, title: yTitle },
      color: colour(contenders),
    },
  })
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Saturation ladder',
      subtitle: `grey rules: physical limits on the same broker and settings`,
      fontSize: 26,
      subtitleFontSize: 16,
    },
    config: CONFIG,
    hconcat: [
      {
        ...PANEL,
        title: { text: 'Delivered vs offered rate (msg/s)', subtitle: 'thin line: delivered = offered' },
        layer: [
          {
            data: { values: ideal },
            mark: { type: 'line', color: '#bbb', strokeWidth: 1.5 },
            encoding: {
              x: { field: 'x', type: 'quantitative', scale: log },
              y: { field: 'y', type: 'quantitative', scale: log },
            },
          },
          stepLine('offeredPerSec', 'offered msg/s (log)', 'deliveredPerSec', 'delivered msg/s (log)'),
          limitRule('y'),
        ],
      },
      {
        ...PANEL,
        title: {
          text: `${byExchange ? 'Exchange→ack' : 'Pipeline'} p99 vs delivered rate (ms)`,
          subtitle: `solid grey: the p99 bound (${ladder.boundP99Us / 1000} ms)`,
        },
        layer: [
          stepLine('deliveredPerSec', 'delivered msg/s (log)', 'p99Ms', `${p99Name} ms (log)`),
          {
            data: { values: [{ bound: ladder.boundP99Us / 1000 }] },
            mark: { type: 'rule', color: '#666', strokeWidth: 2 },
            encoding: { y: { field: 'bound', type: 'quantitative' } },
          },
          limitRule('x'),
        ],
      },
      {
        ...PANEL,
        title: {
          text: 'CPU per delivered message vs rate (µs)',
          subtitle:
            floor.length > 0
              ? 'dashed black: librdkafka alone (the paced C producer), the floor'
              : 'fixed costs spread over more messages as the rate rises',
        },
        layer: [
          stepLine('deliveredPerSec', 'delivered msg/s (log)', 'cpuUsPerMessage', 'CPU µs per message (log)'),
          ...(floor.length > 0
            ? [
                {
                  data: { values: floor },
                  mark: { type: 'line', color: '#000', strokeWidth: 2, strokeDash: [6, 4], point: { color: '#000' } },
                  encoding: {
                    x: { field: 'ratePerSec', type: 'quantitative', scale: log },
                    y: { field: 'cpuUsPerMessage', type: 'quantitative', scale: log },
                  },
                },
              ]
            : []),
        ],
      },
    ],
  } as TopLevelSpec
}
