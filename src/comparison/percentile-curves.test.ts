import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Report } from '../contract/report.ts'
import { colorOf } from './chart-style.ts'
import { renderCharts } from './charts.ts'
import { comparisonInput as input, makeReport } from './fixture.ts'
import { curve, CURVES_CHART, percentileCurvesSpec, type CurvePoint } from './percentile-curves.ts'
import { pool, roundReports } from './pooled.ts'

const FOUR = ['bun', 'node', 'go', 'python'] as const

interface Panel {
  title: { text: string }
  data: { values: CurvePoint[] }
  mark: { type: string }
  encoding: {
    x: { scale: { type: string }; axis: { values: number[]; labelExpr: string } }
    y: { scale: { type: string } }
    color: { scale: { domain: string[]; range: string[] } }
  }
}

const rounds = () => [1, 2].map((r) => FOUR.map((c) => makeReport(c, r)))

describe('the latency-by-percentile chart', () => {
  const spec = percentileCurvesSpec(input(rounds()), [...FOUR]) as unknown as { hconcat: Panel[] }

  test('has one line per contender, in its registry colour, in each panel (exchange→ack, pipeline)', () => {
    expect(spec.hconcat.map((p) => p.title.text)).toEqual([
      'Latency by percentile, exchange→ack (ms)',
      'Latency by percentile, pipeline (ms)',
    ])
    for (const panel of spec.hconcat) {
      expect(panel.mark.type).toBe('line')
      expect([...new Set(panel.data.values.map((v) => v.contender))]).toEqual([...FOUR])
      expect(panel.encoding.color.scale.domain).toEqual([...FOUR])
      expect(panel.encoding.color.scale.range).toEqual(FOUR.map(colorOf))
    }
  })

  test('x is 1/(1−p) on a log scale labelled 50 %, 90 %, 99 %, 99.9 %, 99.99 %; y is ms on a log scale', () => {
    const { x, y } = spec.hconcat[0]!.encoding
    expect(x.scale.type).toBe('log')
    expect(y.scale.type).toBe('log')
    // ~120,000 samples per round, two rounds: ticks up to 99.999 %
    expect(x.axis.values).toEqual([2, 10, 100, 1e3, 1e4, 1e5])
    for (const label of ['50 %', '90 %', '99 %', '99.9 %', '99.99 %', '99.999 %'])
      expect(x.axis.labelExpr).toContain(`'${label}'`)
  })

  test('each line reads the pooled histogram: p99 at x = 100, the max at its end, never falling', () => {
    const result = pool(roundReports(rounds(), 'go'))
    if (!('pooled' in result)) throw new Error(result.note)
    const h = result.pooled.histograms.exchangeToAck
    const points = curve(h, 'go', 'exchange→ack')
    const at = (x: number) => points.find((p) => Math.abs(p.inverseTail - x) < 1e-9)!
    expect(at(100).latencyMs).toBe(h.getValueAtPercentile(99) / 1000)
    expect(at(100).percentile).toBe('99 %')
    expect(points.at(-1)).toMatchObject({ percentile: 'max', latencyMs: h.getValueAtPercentile(100) / 1000 })
    expect(points.at(-1)!.inverseTail).toBe(h.totalCount)
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.inverseTail).toBeGreaterThan(points[i - 1]!.inverseTail)
      expect(points[i]!.latencyMs).toBeGreaterThanOrEqual(points[i - 1]!.latencyMs)
    }
  })

  test('renderCharts draws it next to the other charts, with every contender and the percentile labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'curves-'))
    await renderCharts(input(rounds()), dir)
    const svg = readFileSync(join(dir, `${CURVES_CHART}.svg`), 'utf8')
    expect(svg).toContain('Latency by percentile')
    for (const c of FOUR) expect(svg).toContain(`>${c}</text>`)
    expect(svg).toContain('>99.9 %</text>')
    expect([...readFileSync(join(dir, `${CURVES_CHART}.png`)).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  test('is not drawn when no report carries histograms', async () => {
    const old = rounds().map((round) =>
      round.map((r) => {
        delete (r.latency as { histograms?: unknown }).histograms
        return r
      }),
    )
    expect(percentileCurvesSpec(input(old), [...FOUR])).toBeUndefined()
    const dir = mkdtempSync(join(tmpdir(), 'curves-'))
    await renderCharts(input(old), dir)
    expect(existsSync(join(dir, 'performance_comparison.png'))).toBe(true)
    expect(existsSync(join(dir, `${CURVES_CHART}.png`))).toBe(false)
  })
})
