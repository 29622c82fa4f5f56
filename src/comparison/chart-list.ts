/**
 * @module comparison/chart-list
 * Every chart of the comparison, in one list: the PNG/SVG renderer (comparison/charts.ts) and the
 * HTML report (comparison/html.ts) both walk it, so a chart added here appears in both.
 */
import type { TopLevelSpec } from 'vega-lite'
import { comparisonSpec } from './chart-specs.ts'
import type { ComparisonInput } from './input.ts'
import { ladderSpec } from './ladder-chart.ts'
import { CURVES_CHART, percentileCurvesSpec } from './percentile-curves.ts'
import { reportsByContender } from './compare.ts'

export interface Chart {
  /** file name without extension under --charts (`performance_comparison` → .png and .svg) */
  name: string
  /** what the chart shows, in a few words (the HTML report's label for it) */
  title: string
  spec: TopLevelSpec
}

/** The charts this input has data for, the 2×2 comparison first. */
export function chartList(input: ComparisonInput): Chart[] {
  // drawn when any contender's reports carry histograms to pool
  const curves = percentileCurvesSpec(input, [...reportsByContender(input.rounds).keys()])
  return [
    { name: 'performance_comparison', title: 'Comparison', spec: comparisonSpec(input) },
    ...(curves ? [{ name: CURVES_CHART, title: 'Latency by percentile (rounds pooled)', spec: curves }] : []),
    ...(input.ladder ? [{ name: 'ladder', title: 'Saturation ladder', spec: ladderSpec(input.ladder) }] : []),
  ]
}
