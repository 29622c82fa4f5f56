import { describe, expect, test } from 'bun:test'
import type { LadderStep } from '../comparison/input.ts'
import { bisectNext } from './ladder.ts'
import { judgeLimit, rigCapped } from './saturation-cause.ts'

const step = (offered: number, o: Partial<LadderStep> = {}): LadderStep => ({
  contender: 'go',
  offeredPerSec: offered,
  deliveredPerSec: offered,
  deliveredFraction: 1,
  processingP99Us: 10,
  ackP99Us: 5000,
  pipelineP50Us: 3000,
  pipelineP99Us: 8000,
  pipelineP999Us: 12_000,
  rssMaxBytes: 5e7,
  cpuUsPerMessage: 10,
  sustained: true,
  coresUsed: 0.3,
  brokerCores: 0.3,
  feedBehind: false,
  ...o,
})

describe('judgeLimit', () => {
  // the feed at ~40k msg/s with deflate on: every coarse step from 50k to 400k was "sustained" (all
  // the feed sent was delivered), so the saturation point read 400,000 msg/s, a rate never offered
  test('rig, a lower bound: the producer kept up with all a lagging feed could send', () => {
    const steps = [
      step(20_000),
      step(40_166, { feedBehind: true, feedLagP99Us: 900_000, coresUsed: 0.42, pipelineP99Us: 7200 }),
    ]
    expect(rigCapped(steps[1]!)).toBe(true)
    expect(rigCapped(steps[0]!)).toBe(false)
    expect(rigCapped({ sustained: false, feedBehind: true })).toBe(false)
    const v = judgeLimit(steps, 1, 100_000)
    expect(v.kind).toBe('rig')
    expect(v.lowerBound).toBe(true)
    expect(v.evidence).toMatch(
      /the feed could send no more than 40,166 msg\/s .* using 0\.42 of 1 core: its own limit is higher/,
    )
  })
  test('own: the producer’s core was used up', () => {
    const v = judgeLimit(
      [step(50_000), step(100_000, { sustained: false, deliveredFraction: 0.95, coresUsed: 0.98 })],
      1,
      100_000,
    )
    expect(v.kind).toBe('own')
    expect(v.evidence).toMatch(/its CPU was used up \(0\.98 of its 1 core\)/)
  })
  test('rig: the feed fell behind while the producer had CPU to spare', () => {
    const v = judgeLimit(
      [step(100_000, { sustained: false, feedBehind: true, feedLagP99Us: 80_000, coresUsed: 0.5 })],
      1,
      100_000,
    )
    expect(v.kind).toBe('rig')
    expect(v.evidence).toMatch(/the feed fell behind its schedule \(send lag p99 80\.0 ms\)/)
  })
  test('rig: the broker used up its core', () => {
    expect(judgeLimit([step(100_000, { sustained: false, brokerCores: 0.95, coresUsed: 0.4 })], 1, 100_000).kind).toBe(
      'rig',
    )
  })
  test('own: latency broke with CPU to spare and no sign of the rig', () => {
    const v = judgeLimit([step(20_000, { sustained: false, pipelineP99Us: 250_000, coresUsed: 0.4 })], 1, 100_000)
    expect(v.kind).toBe('own')
    expect(v.evidence).toMatch(/latency broke/)
  })
  test('judges at the lowest unsustained probe and says when no limit was reached', () => {
    const v = judgeLimit(
      [step(80_000, { sustained: false, coresUsed: 0.99 }), step(60_000, { sustained: false, feedBehind: true })],
      1,
      100_000,
    )
    expect(v.kind).toBe('rig')
    expect(judgeLimit([step(1000), step(2000)], 1, 100_000)).toEqual({
      kind: 'not reached',
      evidence: 'sustained every offered rate up to 2,000 msg/s',
    })
  })
})

describe('bisectNext', () => {
  test('halves the gap until the two rates are within 5 %', () => {
    expect(bisectNext(50_000, 100_000)).toBe(75_000)
    expect(bisectNext(96_000, 100_000)).toBeUndefined()
    let [lo, hi] = [50_000, 100_000]
    let probes = 0
    for (let r = bisectNext(lo, hi); r !== undefined; r = bisectNext(lo, hi), probes++)
      [lo, hi] = r < 81_000 ? [r, hi] : [lo, r]
    expect((hi - lo) / hi).toBeLessThanOrEqual(0.05)
    expect(probes).toBeLessThanOrEqual(5)
  })
})
