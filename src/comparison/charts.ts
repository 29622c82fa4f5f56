/**
 * @module comparison/charts
 * Renders the comparison charts: Vega-Lite spec → Vega → SVG (headless, no canvas) → PNG with
 * resvg. resvg loads only the DejaVu Sans shipped in ./fonts (never system fonts), and Vega lays
 * text out with that font's real advance widths (opentype.js) instead of its canvas-less guess
 * of 0.8 em per character, so the layout and the PNG are the same on every machine.
 */
import { Resvg } from '@resvg/resvg-js'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse as parseFont } from 'opentype.js'
import * as vega from 'vega'
import { compile, type TopLevelSpec } from 'vega-lite'
import { comparisonSpec } from './chart-specs.ts'
import { FONT } from './chart-style.ts'
import { ladderSpec } from './ladder-chart.ts'
import { CURVES_CHART, percentileCurvesSpec } from './percentile-curves.ts'
import { reportsByContender } from './compare.ts'
import type { ComparisonInput } from './input.ts'
import { writeFileAtomic } from '../atomic-write.ts'

const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  fileURLToPath(new URL(`./fonts/${f}`, import.meta.url)),
)

const [REGULAR, BOLD] = FONT_FILES.map((f) => {
  const bytes = readFileSync(f)
  return parseFont(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
})

interface TextItem {
  text?: unknown
  fontSize?: number
  fontWeight?: string | number
}

/** Vega's hook for text measurement (vega-scenegraph honours a user-set `textMetrics.width`). */
function measure(item: TextItem, text?: unknown): number {
  const value = text ?? item.text
  const line = Array.isArray(value) ? value.join(' ') : String(value ?? '')
  const weight = item.fontWeight
  const font =
    weight === 'bold' || (typeof weight === 'number' && weight >= 600) || weight === '600' || weight === '700'
      ? BOLD!
      : REGULAR!
  let units = 0
  // per-character advances (no shaping: opentype.js's shaper trips over DejaVu's ccmp table)
  for (const ch of line) units += font.charToGlyph(ch).advanceWidth ?? 0
  return (units * (item.fontSize ?? 11)) / font.unitsPerEm
}
// vega re-exports vega-scenegraph's textMetrics at run time; its typings do not declare it
;(vega as unknown as { textMetrics: { width: typeof measure } }).textMetrics.width = measure

/** PNG width in pixels: legible on a README page and on a laptop screen. */
export const PNG_WIDTH = 1600

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

export function svgToPng(svg: string, width = PNG_WIDTH): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT, sansSerifFamily: FONT },
    fitTo: { mode: 'width', value: width },
    background: 'white',
  })
  return resvg.render().asPng()
}

async function write(spec: TopLevelSpec, dir: string, name: string): Promise<{ png: string; svg: string }> {
  const svg = await specToSvg(spec)
  const paths = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) }
  writeFileAtomic(paths.svg, svg)
  writeFileAtomic(paths.png, svgToPng(svg))
  return paths
}

/**
 * Writes dir/performance_comparison.{svg,png}, dir/latency_percentiles.{svg,png} when any
 * contender's reports carry histograms, and dir/ladder.{svg,png} when the input has a saturation
 * ladder. Returns the comparison chart's paths.
 */
export async function renderCharts(input: ComparisonInput, dir: string): Promise<{ png: string; svg: string }> {
  mkdirSync(dir, { recursive: true })
  const paths = await write(comparisonSpec(input), dir, 'performance_comparison')
  const curves = percentileCurvesSpec(input, [...reportsByContender(input.rounds).keys()])
  if (curves) await write(curves, dir, CURVES_CHART)
  if (input.ladder) await write(ladderSpec(input.ladder), dir, 'ladder')
  return paths
}
