import { describe, expect, test } from 'bun:test'
import { firstBatchAtMs, planConnections } from './plan.ts'

const codes = (n: number) => Array.from({ length: n }, (_, i) => `KRW-C${i}`)

describe('connection plan', () => {
  test('250 markets at 15 per connection need 17 connections, the last one partial', () => {
    const plan = planConnections(codes(250), 15, 2, 2000)
    expect(plan).toHaveLength(17)
    expect(plan.at(-1)!.codes).toHaveLength(10)
    expect(plan.flatMap((p) => p.codes)).toEqual(codes(250))
  })

  test('the real 536-market list needs 36 connections, opened 2 every 2 s over 34 s', () => {
    const plan = planConnections(codes(536), 15, 2, 2000)
    expect(plan).toHaveLength(36)
    expect(plan.map((p) => p.openAtMs).slice(0, 5)).toEqual([0, 0, 2000, 2000, 4000])
    expect(plan.at(-1)!.openAtMs).toBe(34_000)
  })

  test('an empty market list plans no connections', () => {
    expect(planConnections([], 15, 2, 2000)).toEqual([])
  })
})

describe('CONNECT_PHASE_MS', () => {
  test('-1 opens the first batch at once', () => {
    expect(firstBatchAtMs(1_764_000_000_123, 2000, -1)).toBe(1_764_000_000_123)
  })

  test('every batch opens on an instant ≡ phase (mod interval), the first one from now', () => {
    const now = 1_764_000_000_123
    for (const phase of [0, 400, 1999]) {
      const first = firstBatchAtMs(now, 2000, phase)
      expect(first).toBeGreaterThanOrEqual(now)
      expect(first - now).toBeLessThan(2000)
      const batches = planConnections(codes(100), 15, 2, 2000).map((p) => first + p.openAtMs)
      for (const at of batches) expect(at % 2000).toBe(phase)
    }
    // already on the phase: now
    expect(firstBatchAtMs(1_764_000_000_400, 2000, 400)).toBe(1_764_000_000_400)
  })

  test('a phase of an interval or more wraps; an interval of 0 has no phase', () => {
    expect(firstBatchAtMs(1_764_000_000_000, 2000, 4500) % 2000).toBe(500)
    expect(firstBatchAtMs(1_764_000_000_123, 0, 500)).toBe(1_764_000_000_123)
  })
})
