import { describe, expect, test } from 'bun:test'
import * as hdr from 'hdr-histogram-js'
import { deflateSync } from 'node:zlib'
import { latencyHistogram, record, summarize } from '../contract/histogram.ts'
import type { Report } from '../contract/report.ts'
import { compareReports } from './compare.ts'
import { comparisonInput, makeReport } from './fixture.ts'
import { encodeValues } from './histogram-fixture.ts'
import { decodeHistogram, pool, poolByContender, roundReports } from './pooled.ts'
import { formatValue, UNITS } from './spread.ts'

/** A deterministic pseudo-random sequence (a test must give the same samples every time). */
function lcg(seed: number): () => number {
  let s = seed
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
}

/** A calm round: 1–3 ms. */
const calm = (n: number, next = lcg(7)) => Array.from({ length: n }, () => 1000 + 2000 * next())
/** A round with a tail: mostly 1–3 ms, 3 % at 40–90 ms (a GC pause, a stalled broker). */
const tailed = (n: number, next = lcg(11)) =>
  Array.from({ length: n }, (_, i) => (i % 100 < 3 ? 40_000 + 50_000 * next() : 1000 + 2000 * next()))

/** A report whose exchange→ack and pipeline histograms (and summaries) hold exactly `values`. */
function reportOf(contender: string, round: number, values: number[]): Report {
  const encoded = encodeValues(values)
  const summary = summarize(decodeHistogram(encoded))
  return makeReport(contender, round, (r) => {
    r.latency.exchangeToAck = summary
    r.latency.pipeline = summary
    r.latency.histograms.exchangeToAck = encoded
    r.latency.histograms.pipeline = encoded
  })
}

/** A report written before reports carried histograms. */
function oldReport(contender: string, round: number): Report {
  const r = makeReport(contender, round)
  delete (r.latency as { histograms?: unknown }).histograms
  return r
}

describe('pooled percentiles', () => {
  const a = calm(20_000)
  const b = tailed(20_000)
  const rounds = [[reportOf('bun', 1, a)], [reportOf('bun', 2, b)]]

  test('the pooled p99 of two rounds equals the p99 of one histogram recording both sample sets', () => {
    const both = latencyHistogram()
    for (const v of [...a, ...b]) record(both, v)
    const result = pool(roundReports(rounds, 'bun'))
    if (!('pooled' in result)) throw new Error(result.note)
    const figures = result.pooled.figures.exchangeToAck
    expect(figures.count).toBe(40_000)
    expect(figures.p99Us).toBe(both.getValueAtPercentile(99))
    expect(figures.p50Us).toBe(both.getValueAtPercentile(50))
    expect(figures.p999Us).toBe(both.getValueAtPercentile(99.9))
    expect(figures.maxUs).toBe(both.getValueAtPercentile(100))
    // and it is not what the per-round figures give: the median of two p99s is their mean
    const perRound = rounds.map(([r]) => r!.latency.exchangeToAck.p99Us)
    expect(figures.p99Us).not.toBe((perRound[0]! + perRound[1]!) / 2)
    expect(figures.p99Us).toBeGreaterThan(40_000)
  })

  test('the markdown shows them beside the per-round median (min–max) and says which is which', () => {
    const md = compareReports(comparisonInput(rounds), { charts: '../charts' })
    const section = md.slice(md.indexOf('## Latency over all samples'))
    const both = latencyHistogram()
    for (const v of [...a, ...b]) record(both, v)
    const p99 = formatValue(both.getValueAtPercentile(99), UNITS.latency)
    expect(section).toContain(`| p99, all samples | **${p99}** |`)
    expect(section).toMatch(/\| p99, per round \| [\d.]+ ms \([\d.]+–[\d.]+\) \|/)
    expect(section).toContain('over every message of every round')
    expect(section).toContain('the spread between rounds')
    expect(section).toContain('[../charts/latency_percentiles.png](../charts/latency_percentiles.png)')
    expect(section).toContain('| samples | 40,000 |')
  })
})

describe('reports without usable histograms', () => {
  test('older reports: no pooled figures, one line saying why, and the comparison still renders', () => {
    const rounds = [1, 2].map((r) => ['bun', 'go'].map((c) => oldReport(c, r)))
    const md = compareReports(comparisonInput(rounds), { charts: '../charts' })
    const section = md.slice(md.indexOf('## Latency over all samples'), md.indexOf('## Side by side'))
    expect(section.trim().split('\n')).toEqual([
      '## Latency over all samples (rounds pooled)',
      '',
      'Pooled percentiles are not available: no report carries latency histograms (written before reports carried them).',
    ])
    expect(md).toContain('## Side by side')
  })

  test('one contender without them: the others are pooled, it gets a note naming the round', () => {
    const rounds = [1, 2].map((r) => [makeReport('bun', r), r === 2 ? oldReport('go', r) : makeReport('go', r)])
    const pools = poolByContender(rounds, ['bun', 'go'])
    expect('pooled' in pools.get('bun')!).toBe(true)
    expect(pools.get('go')).toEqual({
      note: "round 2's report carries no latency histograms (written before reports carried them)",
    })
    const md = compareReports(comparisonInput(rounds))
    expect(md).toContain(
      "- Pooled percentiles are not available for go: round 2's report carries no latency histograms (written before reports carried them).",
    )
    expect(md).toMatch(/\| p99, all samples \| \*\*[\d.]+ ms\*\* \| — \|/)
  })

  test('a histogram that is not HdrHistogram V2, or disagrees with its summary, is refused with the reason', () => {
    const garbage = makeReport('bun', 1, (r) => {
      r.latency.histograms.pipeline = Buffer.from('not a histogram at all').toString('base64')
    })
    expect(pool([{ round: 1, report: garbage }])).toEqual({
      note: "round 1's report has a pipeline histogram that does not decode (not an HdrHistogram compressed V2 encoding)",
    })
    const miscounted = makeReport('bun', 1, (r) => {
      r.latency.exchangeToAck.count += 1
    })
    const note = pool([{ round: 1, report: miscounted }])
    expect('note' in note && note.note).toMatch(/exchangeToAck histogram of \d+ samples beside a summary of \d+$/)
  })

  test('a compressed payload that inflates past the bound is refused before the library inflates it', () => {
    const header = Buffer.alloc(8)
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024))
    header.writeInt32BE(0x1c849314, 0)
    header.writeInt32BE(bomb.length, 4)
    const encoded = Buffer.concat([header, bomb]).toString('base64')
    expect(() => decodeHistogram(encoded)).toThrow(/does not inflate within 4194304 bytes/)
    // what the library itself writes decodes
    const h = latencyHistogram()
    record(h, 1234)
    expect(decodeHistogram(hdr.encodeIntoCompressedBase64(h)).totalCount).toBe(1)
  })
})
