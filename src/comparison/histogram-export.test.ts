import { describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Report } from '../contract/report.ts'
import { makeReport } from './fixture.ts'
import { exportHistograms } from './histogram-export.ts'
import { decodeHistogram, HISTOGRAM_METRICS } from './pooled.ts'

const rounds = () => [1, 2].map((r) => ['bun', 'go'].map((c) => makeReport(c, r)))

/** An .hgrm file read back as HdrHistogram's plotter does: its rows and its footer. */
function parseHgrm(text: string): { rows: { valueMs: number; percentile: number; count: number }[]; total: number } {
  const rows = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[\d.]+\s+[\d.]+\s+\d+/.test(l))
    .map((l) => {
      const [value, percentile, count] = l.split(/\s+/)
      return { valueMs: Number(value), percentile: Number(percentile), count: Number(count) }
    })
  const total = Number(/Total count\s*=\s*(\d+)/.exec(text)?.[1])
  return { rows, total }
}

describe('the raw histogram exports', () => {
  test('one .hgrm per round, contender and metric, in the standard text, in ms, matching the report', () => {
    const out = mkdtempSync(join(tmpdir(), 'hgrm-'))
    const input = rounds()
    const result = exportHistograms(input, out)
    expect(result.notes).toEqual([])
    const names = readdirSync(join(out, 'histograms')).sort()
    const expected = [1, 2].flatMap((r) =>
      ['bun', 'go'].flatMap((c) => HISTOGRAM_METRICS.map((m) => `${c}-r${r}-${m}.hgrm`)),
    )
    expect(names).toEqual(expected.sort())
    expect(result.written.length).toBe(16)
    for (const [i, reports] of input.entries())
      for (const report of reports)
        for (const metric of HISTOGRAM_METRICS) {
          const text = readFileSync(join(out, 'histograms', `${report.contender}-r${i + 1}-${metric}.hgrm`), 'utf8')
          expect(text.split('\n')[0]).toMatch(/^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)$/)
          const { rows, total } = parseHgrm(text)
          expect(total).toBe(report.latency[metric].count)
          expect(rows.at(-1)!.percentile).toBe(1)
          expect(rows.at(-1)!.count).toBe(total)
          // values in ms with 3 decimals: the median row and the last (the max) are the histogram's
          const h = decodeHistogram(report.latency.histograms[metric])
          expect(rows.find((r) => r.percentile === 0.5)!.valueMs).toBeCloseTo(h.getValueAtPercentile(50) / 1000, 3)
          expect(rows.at(-1)!.valueMs).toBeCloseTo(h.getValueAtPercentile(100) / 1000, 3)
        }
  })

  test('files of an earlier run are removed; a link planted at the directory is refused', () => {
    const out = mkdtempSync(join(tmpdir(), 'hgrm-'))
    mkdirSync(join(out, 'histograms'))
    writeFileSync(join(out, 'histograms', 'python-r3-pipeline.hgrm'), 'stale')
    writeFileSync(join(out, 'histograms', 'README.txt'), 'not ours')
    exportHistograms(rounds(), out)
    expect(existsSync(join(out, 'histograms', 'python-r3-pipeline.hgrm'))).toBe(false)
    expect(existsSync(join(out, 'histograms', 'README.txt'))).toBe(true)

    const elsewhere = mkdtempSync(join(tmpdir(), 'hgrm-target-'))
    const planted = mkdtempSync(join(tmpdir(), 'hgrm-'))
    symlinkSync(elsewhere, join(planted, 'histograms'))
    expect(() => exportHistograms(rounds(), planted)).toThrow(/is not a directory/)
    expect(readdirSync(elsewhere)).toEqual([])
  })

  test('a report without histograms gets a note, not a crash, and the others are still written', () => {
    const out = mkdtempSync(join(tmpdir(), 'hgrm-'))
    const input = rounds()
    delete (input[1]![1]!.latency as { histograms?: unknown }).histograms
    const result = exportHistograms(input as Report[][], out)
    expect(result.notes).toEqual([
      'go round 2: no .hgrm files, its report carries no latency histograms (written before reports carried them)',
    ])
    expect(result.written.length).toBe(12)
    expect(existsSync(join(out, 'histograms', 'go-r2-pipeline.hgrm'))).toBe(false)
  })
})
