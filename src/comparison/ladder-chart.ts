/**
 * @module comparison/ladder-chart
 * The Vega-Lite spec of the saturation ladder chart: delivered vs offered rate, exchange→ack p99 vs
 * delivered rate and CPU per message vs rate, each contender one line through its steps (both axes
 * log), the physical limits as grey rules and the floor (librdkafka alone) as a dashed line.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { LadderResult } from './input.ts'
import { colour, CONFIG, PANEL } from './chart-style.ts'

const log = { type: 'log' } as const

/** The figures each panel draws, from the ladder's result. */
function ladderData(ladder: LadderResult) {
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
  // the floor's rows at one rate each, rates it kept up with (a row that fell behind measured less)
  const floor = (ladder.floor ?? [])
    .filter((f) => f.ratePerSec > 0 && f.cpuUsPerMessage > 0 && !f.behind)
    .sort((a, b) => a.ratePerSec - b.ratePerSec)
  return {
    contenders: [...new Set(ladder.steps.map((s) => s.contender))],
    steps,
    ideal,
    limits,
    floor,
    byExchange,
    p99Name,
  }
}
type LadderData = ReturnType<typeof ladderData>

// limits told apart by dash pattern with a legend: text on the rules overlaps when limits are close
const limitRule = (d: LadderData, axis: 'x' | 'y') => ({
  data: { values: d.limits },
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
const stepLine = (d: LadderData, x: string, xTitle: string, y: string, yTitle: string) => ({
  data: { values: d.steps },
  mark: { type: 'line', strokeWidth: 3, point: { size: 60 } },
  encoding: {
    x: { field: x, type: 'quantitative', scale: log, title: xTitle },
    y: { field: y, type: 'quantitative', scale: log, title: yTitle },
    color: colour(d.contenders),
  },
})

function deliveredPanel(d: LadderData) {
  return {
    ...PANEL,
    title: { text: 'Delivered vs offered rate (msg/s)', subtitle: 'thin line: delivered = offered' },
    layer: [
      {
        data: { values: d.ideal },
        mark: { type: 'line', color: '#bbb', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: log },
          y: { field: 'y', type: 'quantitative', scale: log },
        },
      },
      stepLine(d, 'offeredPerSec', 'offered msg/s (log)', 'deliveredPerSec', 'delivered msg/s (log)'),
      limitRule(d, 'y'),
    ],
  }
}

function p99Panel(d: LadderData, boundP99Us: number) {
  return {
    ...PANEL,
    title: {
      text: `${d.byExchange ? 'Exchange→ack' : 'Pipeline'} p99 vs delivered rate (ms)`,
      subtitle: `solid grey: the p99 bound (${boundP99Us / 1000} ms)`,
    },
    layer: [
      stepLine(d, 'deliveredPerSec', 'delivered msg/s (log)', 'p99Ms', `${d.p99Name} ms (log)`),
      {
        data: { values: [{ bound: boundP99Us / 1000 }] },
        mark: { type: 'rule', color: '#666', strokeWidth: 2 },
        encoding: { y: { field: 'bound', type: 'quantitative' } },
      },
      limitRule(d, 'x'),
    ],
  }
}

function cpuPanel(d: LadderData) {
  const floorLine = {
    data: { values: d.floor },
    mark: { type: 'line', color: '#000', strokeWidth: 2, strokeDash: [6, 4], point: { color: '#000' } },
    encoding: {
      x: { field: 'ratePerSec', type: 'quantitative', scale: log },
      y: { field: 'cpuUsPerMessage', type: 'quantitative', scale: log },
    },
  }
  return {
    ...PANEL,
    title: {
      text: 'CPU per delivered message vs rate (µs)',
      subtitle:
        d.floor.length > 0
          ? 'dashed black: librdkafka alone (the paced C producer), the floor'
          : 'fixed costs spread over more messages as the rate rises',
    },
    layer: [
      stepLine(d, 'deliveredPerSec', 'delivered msg/s (log)', 'cpuUsPerMessage', 'CPU µs per message (log)'),
      ...(d.floor.length > 0 ? [floorLine] : []),
    ],
  }
}

/** The saturation ladder: delivered vs offered rate, and exchange→ack p99 (the sustained rule's) vs delivered rate. */
export function ladderSpec(ladder: LadderResult): TopLevelSpec {
  const d = ladderData(ladder)
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Saturation ladder',
      subtitle: `grey rules: physical limits on the same broker and settings`,
      fontSize: 26,
      subtitleFontSize: 16,
    },
    config: CONFIG,
    hconcat: [deliveredPanel(d), p99Panel(d, ladder.boundP99Us), cpuPanel(d)],
  } as TopLevelSpec
}
