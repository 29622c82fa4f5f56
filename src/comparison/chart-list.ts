/**
 * @module comparison/chart-list
 * Every chart of the comparison, in one list: the PNG/SVG renderer (comparison/charts.ts) and the
 * HTML report (comparison/html.ts) both walk it, so a chart added here appears in both.
 */
import type { TopLevelSpec } from 'vega-lite'
import { comparisonSpec } from './chart-specs.ts'
import type { ComparisonInput } from './input.ts'
import { ladderSpec } from './ladder-chart.ts'

export interface Chart {
  /** file name without extension under --charts (`performance_comparison` → .png and .svg) */
  name: string
  /** what the chart shows, in a few words (the HTML report's label for it) */
  title: string
  spec: TopLevelSpec
}

/** The charts this input has data for, the 2×2 comparison first. */
export function chartList(input: ComparisonInput): Chart[] {
  return [
    { name: 'performance_comparison', title: 'Comparison', spec: comparisonSpec(input) },
    ...(input.ladder ? [{ name: 'ladder', title: 'Saturation ladder', spec: ladderSpec(input.ladder) }] : []),
  ]
}
