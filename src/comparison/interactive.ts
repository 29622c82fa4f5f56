/**
 * @module comparison/interactive
 * Makes a chart's Vega-Lite spec interactive for the HTML report, without a second copy of the
 * chart: every mark gets a tooltip (hover for the values), and every view that draws contenders
 * dims those not picked in the legend (a legend-bound point selection; click a name, shift-click
 * for more, click the background to show all again). The PNG/SVG keep the spec as it is.
 */
import type { TopLevelSpec } from 'vega-lite'

/** The selection's name: one per chart, defined in the first view that colours by contender. */
export const PICKED = 'picked_contenders'

/** the field every chart names its contenders by (comparison/chart-style.ts `colour`) */
const CONTENDER = 'contender'
const NESTED = ['layer', 'hconcat', 'vconcat', 'concat'] as const

type Node = Record<string, unknown> & {
  mark?: string | Record<string, unknown>
  encoding?: Record<string, Record<string, unknown> | undefined>
  params?: unknown[]
}

function drawsContenders(node: Node): boolean {
  return Object.values(node.encoding ?? {}).some((channel) => channel?.field === CONTENDER)
}

/** A copy of `spec` with tooltips on every mark and contenders toggled from the legend. */
export function interactive(spec: TopLevelSpec): TopLevelSpec {
  const copy = structuredClone(spec) as unknown as Node
  const dim: Node[] = []
  let defined = false
  const visit = (node: Node, inherited: Node['encoding']) => {
    // a layer's children inherit its encoding: a whisker drawn per contender is dimmed with its bar
    const encoding = { ...inherited, ...node.encoding }
    if (node.mark !== undefined) {
      const mark = typeof node.mark === 'string' ? { type: node.mark } : node.mark
      node.mark = { ...mark, tooltip: { content: 'data' } }
      if (drawsContenders({ encoding })) dim.push(node)
      if (!defined && encoding.color?.field === CONTENDER) {
        node.params = [
          ...(node.params ?? []),
          { name: PICKED, select: { type: 'point', fields: [CONTENDER] }, bind: 'legend' },
        ]
        defined = true
      }
    }
    for (const key of NESTED) {
      const children = node[key]
      if (Array.isArray(children)) for (const child of children) visit(child as Node, key === 'layer' ? encoding : {})
    }
  }
  visit(copy, {})
  // without a legend of contenders there is nothing to pick, and a reference to a selection no view defines breaks the chart
  if (defined)
    for (const node of dim)
      node.encoding = { ...node.encoding, opacity: { condition: { param: PICKED, value: 1 }, value: 0.12 } }
  return copy as unknown as TopLevelSpec
}
