/**
 * @module comparison/percentile-curves
 * The Vega-Lite spec of HdrHistogram's "latency by percentile" plot over all samples (the rounds'
 * histograms pooled, comparison/pooled.ts): x is 1/(1−percentile) on a log scale, labelled 50 %,
 * 90 %, 99 %, 99.9 %, …, so every added nine gets the same room; y is latency in ms, log. One line
 * per contender in its registry colour; one panel for exchange→ack (the headline), one for
 * pipeline (its breakdown). Rendered by comparison/charts.ts beside the other charts.
 */
import type { TopLevelSpec } from 'vega-lite'
import type { Histogram } from '../contract/histogram.ts'
import type { Contender } from '../contract/report.ts'
import { colour, CONFIG, PANEL } from './chart-style.ts'
import type { ComparisonInput } from './input.ts'
import { METRIC_TITLES } from './pooled-section.ts'
import { poolByContender, pooledOnly, POOLED_METRICS, type Pooled, type PooledMetric } from './pooled.ts'

/** The chart's file name (without extension) next to the other charts. */
export const CURVES_CHART = 'latency_percentiles'

/** Points per decade of 1/(1−p): smooth lines, a few hundred points per contender. */
const PER_DECADE = 20
/** 1/(1−p) at which curves stop even with more samples (99.9999 %). */
const MAX_INVERSE_TAIL = 1e6
/** Log axes cannot show 0: values below the histograms' 1-µs resolution are drawn at 1 µs. */
const FLOOR_MS = 0.001

const TICKS: [number, string][] = [
  [2, '50 %'],
  [10, '90 %'],
  [100, '99 %'],
  [1e3, '99.9 %'],
  [1e4, '99.99 %'],
  [1e5, '99.999 %'],
  [1e6, '99.9999 %'],
]

export interface CurvePoint {
  contender: Contender
  metric: string
  /** 1/(1−p): the x position */
  inverseTail: number
  percentile: string
  latencyMs: number
}

/**
 * One contender's curve: the value at each percentile up to 1/(1−p) = its sample count (beyond
 * that no sample tells percentiles apart), ending at the max.
 */
export function curve(h: Histogram, contender: Contender, metric: string): CurvePoint[] {
  if (h.totalCount === 0) return []
  const last = Math.min(h.totalCount, MAX_INVERSE_TAIL)
  const point = (inverseTail: number, percentile: number, label = `${+percentile.toPrecision(8)} %`) => ({
    contender,
    metric,
    inverseTail,
    percentile: label,
    latencyMs: Math.max(h.getValueAtPercentile(percentile) / 1000, FLOOR_MS),
  })
  const points: CurvePoint[] = []
  for (let k = 0; 10 ** (k / PER_DECADE) < last; k++) {
    const x = 10 ** (k / PER_DECADE)
    points.push(point(x, 100 * (1 - 1 / x)))
  }
  points.push(point(last, 100, 'max'))
  return points
}

function panel(metric: PooledMetric, pooled: Map<Contender, Pooled>, contenders: Contender[], subtitle: string) {
  const values = [...pooled].flatMap(([c, p]) => curve(p.histograms[metric], c, METRIC_TITLES[metric]))
  const widest = Math.max(100, ...values.map((v) => v.inverseTail))
  const ticks = TICKS.filter(([x]) => x <= widest)
  const labelExpr = ticks.reduceRight((rest, [x, label]) => `datum.value == ${x} ? '${label}' : ${rest}`, "''")
  return {
    ...PANEL,
    title: { text: `Latency by percentile, ${METRIC_TITLES[metric]} (ms)`, subtitle },
    data: { values },
    mark: { type: 'line', strokeWidth: 3, clip: true },
    encoding: {
      x: {
        field: 'inverseTail',
        type: 'quantitative',
        title: 'percentile',
        scale: { type: 'log', domain: [1, widest] },
        axis: { values: ticks.map(([x]) => x), labelExpr, grid: true },
      },
      y: { field: 'latencyMs', type: 'quantitative', title: 'milliseconds (log)', scale: { type: 'log' } },
      color: colour(contenders),
      tooltip: [
        { field: 'contender', type: 'nominal' },
        { field: 'percentile', type: 'nominal' },
        { field: 'latencyMs', type: 'quantitative', title: 'ms', format: '.3~f' },
      ],
    },
  }
}

/** The percentile-curves chart, or undefined when no contender has pooled histograms. */
export function percentileCurvesSpec(input: ComparisonInput, contenders: Contender[]): TopLevelSpec | undefined {
  const pooled = pooledOnly(poolByContender(input.rounds, contenders))
  if (pooled.size === 0) return undefined
  const shown = contenders.filter((c) => pooled.has(c))
  const rounds = Math.max(...[...pooled.values()].map((p) => p.rounds))
  const pooledText = rounds > 1 ? `all samples of ${rounds} rounds (histograms added)` : 'all samples of one round'
  const subtitles: Record<PooledMetric, string> = {
    exchangeToAck: `from the frame’s own timestamp to the Kafka ack; ${pooledText}`,
    pipeline: `frame read → Kafka ack; ${pooledText}`,
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Latency by percentile: ${shown.join(' vs ')}`,
      subtitle: 'HdrHistogram’s plot: x is 1/(1−percentile) on a log scale, so each added nine gets the same width',
      fontSize: 26,
      subtitleFontSize: 16,
    },
    config: CONFIG,
    resolve: { scale: { color: 'shared' } },
    hconcat: POOLED_METRICS.map((m) => panel(m, pooled, shown, subtitles[m])),
  } as TopLevelSpec
}
