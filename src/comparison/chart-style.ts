/**
 * @module comparison/chart-style
 * What every chart shares: one fixed colour per contender in every panel (its registry entry's),
 * the font, the panel size and the Vega-Lite config, and the labels of bars with whiskers.
 */
import type { Contender } from '../contract/report.ts'
import { REGISTRY } from '../registry/registry.ts'

/** A contender's colour: its registry entry's, grey for a report of an unregistered one. */
export const colorOf = (c: Contender): string => REGISTRY.find((e) => e.name === c)?.color ?? '#777777'
export const FONT = 'DejaVu Sans'

export const PANEL = { width: 660, height: 300 }

export const CONFIG = {
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

export function colour(contenders: string[]) {
  return {
    field: 'contender',
    type: 'nominal',
    scale: { domain: contenders, range: contenders.map(colorOf) },
    legend: { title: null, orient: 'top', direction: 'horizontal' },
  } as const
}

/** Milliseconds with about three significant figures, for bar labels. */
export function label(x: number, unit = ''): string {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
  return `${x.toFixed(digits)}${unit}`
}

export function roundsNote(n: number): string {
  return n > 1 ? `median of ${n} rounds; whiskers span min–max` : 'one round'
}
