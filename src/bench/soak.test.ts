import { expect, test } from 'bun:test'
import type { Report } from '../contract/report.ts'
import { soakSection, soakVerdict } from './soak.ts'

function reportWith(rss: (offsetMs: number) => number): Report {
  const intervals = Array.from({ length: 120 }, (_, i) => ({ offsetMs: (i + 1) * 5000, rssBytes: rss((i + 1) * 5000) }))
  return { contender: 'bun', intervals } as unknown as Report
}

test('flat RSS over ten minutes is not flagged', () => {
  const v = soakVerdict(reportWith(() => 60e6))
  expect(v.flagged).toBe(false)
  expect(v.growthBytes).toBe(0)
})

test('RSS growing 200 MB over ten minutes is flagged as growth beyond the bound, with its slope', () => {
  const v = soakVerdict(reportWith((t) => 60e6 + (t / 600_000) * 200e6))
  expect(v.flagged).toBe(true)
  expect(v.growthBytes).toBeGreaterThan(70e6)
  expect(v.slopeBytesPerMin).toBeCloseTo(20e6, -5)
  expect(soakSection([v])).toContain('growth beyond bound')
})

test('warm-up growth in the first half (rings becoming resident) is not a leak', () => {
  const v = soakVerdict(reportWith((t) => 60e6 + (Math.min(t, 262_000) / 262_000) * 40e6))
  expect(v.flagged).toBe(false)
  expect(Math.abs(v.slopeBytesPerMin)).toBeLessThan(1e5)
})

test('small growth within the bound (JIT warm-up noise) is not flagged', () => {
  const v = soakVerdict(reportWith((t) => 60e6 + (t / 600_000) * 5e6))
  expect(v.flagged).toBe(false)
})
