import { expect, test } from 'bun:test'
import type { Report } from '../report/schema.ts'
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

test('RSS growing 100 MB over ten minutes is flagged as growth beyond the bound', () => {
  const v = soakVerdict(reportWith((t) => 60e6 + (t / 600_000) * 100e6))
  expect(v.flagged).toBe(true)
  expect(v.growthBytes).toBeGreaterThan(70e6)
  expect(soakSection([v])).toContain('growth beyond bound')
})

test('small growth within the bound (JIT warm-up noise) is not flagged', () => {
  const v = soakVerdict(reportWith((t) => 60e6 + (t / 600_000) * 5e6))
  expect(v.flagged).toBe(false)
})
