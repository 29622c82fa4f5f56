import { describe, expect, test } from 'bun:test'
import { planConnections } from './plan.ts'

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
