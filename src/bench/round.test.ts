import { describe, expect, test } from 'bun:test'
import { connectPhases, raceStart } from './round.ts'
import { newRunId } from './run-env.ts'

describe('raceStart', () => {
  test('is a 10-second boundary at least the warm-up after the last ready', () => {
    expect(raceStart(1_000_003_000, 1_000_003_500, 10_000)).toBe(1_000_020_000)
    expect(raceStart(1_000_000_000, 1_000_000_000, 10_000)).toBe(1_000_010_000)
  })
  test('leaves at least the margin for the START line when the warm-up is zero', () => {
    expect(raceStart(1_000_009_000, 1_000_009_000, 0)).toBe(1_000_020_000)
  })
})

describe('connectPhases', () => {
  test('spreads the contenders evenly over one interval, so no two open connections together', () => {
    expect([...connectPhases(['bun', 'node', 'go', 'python'], 2000)]).toEqual([
      ['bun', 0],
      ['node', 500],
      ['go', 1000],
      ['python', 1500],
    ])
  })
  test('with the seed’s plan (2 per 2 s), four contenders open at most 4 connections in any second', () => {
    const phases = [...connectPhases(['bun', 'node', 'go', 'python'], 2000).values()]
    // 18 batches of 2 connections per contender, each contender on its phase
    const opens = phases.flatMap((phase) => Array.from({ length: 18 }, (_, k) => [phase + k * 2000, phase + k * 2000]).flat())
    for (let t = 0; t < 40_000; t += 100) {
      expect(opens.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(4)
    }
  })
})

describe('newRunId', () => {
  test('differs for two runs started in the same millisecond', () => {
    const now = new Date('2026-11-25T12:00:00.123Z')
    const ids = new Set(Array.from({ length: 50 }, () => newRunId(now)))
    expect(ids.size).toBe(50)
    expect([...ids][0]).toMatch(/^20261125-120000123-[0-9a-f]{6}$/)
  })
})
