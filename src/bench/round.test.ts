import { describe, expect, test } from 'bun:test'
import { connectPhases, connectSchedule, nextBoundary, raceStart } from './round.ts'
import { newRunId } from './run-env.ts'

test('the next boundary is the next multiple of 10 s, strictly after now', () => {
  expect(nextBoundary(1_764_000_000_000)).toBe(1_764_000_010_000)
  expect(nextBoundary(1_764_000_000_001)).toBe(1_764_000_010_000)
  expect(nextBoundary(1_764_000_009_999)).toBe(1_764_000_010_000)
})

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
})

describe('connectSchedule', () => {
  test('without a limit: one group, phases spread over the interval', () => {
    const [only, ...rest] = connectSchedule(['bun', 'node', 'go', 'python'], 2000, 2)
    expect(rest).toEqual([])
    expect([...only!.phases.values()]).toEqual([0, 500, 1000, 1500])
  })

  test('under Upbit’s 5/s: groups of two on one-second slots, one group after another', () => {
    const groups = connectSchedule(['bun', 'node', 'go', 'python'], 2000, 2, 5)
    expect(groups.map((g) => [...g.phases])).toEqual([
      [
        ['bun', 0],
        ['node', 1000],
      ],
      [
        ['go', 0],
        ['python', 1000],
      ],
    ])
  })

  test('the seed’s plan (36 connections each, 2 per 2 s) never exceeds 5 requests in any rolling second, even with ±150 ms of jitter', () => {
    const opens: number[] = []
    let groupStart = 0
    for (const group of connectSchedule(['bun', 'node', 'go', 'python'], 2000, 2, 5)) {
      let last = groupStart
      for (const phase of group.phases.values()) {
        for (let k = 0; k < 18; k++) {
          const at = groupStart + phase + k * 2000
          // each request of a batch lands somewhere within ±150 ms of its instant
          opens.push(at - 150, at + 150)
          last = Math.max(last, at + 150)
        }
      }
      // the next group starts on its first slot after this one is ready
      groupStart = Math.ceil((last + 1) / 2000) * 2000
    }
    for (let t = 0; t < groupStart; t += 10)
      expect(opens.filter((x) => x > t - 1000 && x <= t).length).toBeLessThanOrEqual(5)
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
