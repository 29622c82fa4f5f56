import { describe, expect, test } from 'bun:test'
import type { LadderStep } from '../comparison/input.ts'
import { makeReport } from '../comparison/fixture.ts'
import {
  BRACKET_FACTOR,
  bisectNext,
  bracketRates,
  isSustained,
  type LadderStepResult,
  searchSaturation,
  stepFigures,
} from './ladder.ts'
import { DEFAULT_LADDER_DOUBLINGS } from './options.ts'
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
    expect(v.evidence).toMatch(/latency broke \(p99 over the 100\.0 ms bound\)/)
  })
  // node at 2,003 msg/s offered: 99.80 % delivered, p99 29.4 ms; the evidence read "its latency
  // broke (p99 within the 100.0 ms bound)", naming a cause that had not failed
  test('own: too little delivered with latency in bounds is not called a latency break', () => {
    const v = judgeLimit(
      [step(2_003, { sustained: false, deliveredFraction: 0.998, pipelineP99Us: 29_400 })],
      1,
      100_000,
    )
    expect(v.kind).toBe('own')
    expect(v.evidence).not.toContain('latency broke')
    expect(v.evidence).toContain('99.80 % delivered')
    expect(v.evidence).toMatch(/delivered too little of the offer, its p99 within the 100\.0 ms bound/)
  })
  test('own: fell behind the feed, named with exchange→ack and the backlog’s growth', () => {
    const v = judgeLimit(
      [
        step(35_000, {
          sustained: false,
          deliveredFraction: 0.97,
          exchangeToAckP99Us: 60_000,
          backlogGrowthMs: 450,
          coresUsed: 0.6,
        }),
      ],
      1,
      100_000,
    )
    expect(v.kind).toBe('own')
    expect(v.evidence).toContain('exchange→ack p99 60.0 ms, pipeline p99 8.0 ms, backlog grew 450.0 ms')
    expect(v.evidence).toMatch(/fell behind the feed \(its backlog grew by more than the 100\.0 ms bound\)/)
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

  // go in a 3-round ladder: asked for 100,000 msg/s it fell behind, its sockets filled and the feed
  // sent it only 71,016 msg/s; judged by the offered rate, that probe was its "lowest failure",
  // below the 96,888 msg/s it sustained in the same round
  test('judges at the lowest rate asked, not at an offer the producer itself held back', () => {
    const steps = [
      step(96_888, { askedPerSec: 96_875, coresUsed: 0.67 }),
      step(71_016, {
        askedPerSec: 100_000,
        sustained: false,
        coresUsed: 0.99,
        pipelineP99Us: 2_183_200,
        feedBehind: true,
      }),
      step(93_756, { askedPerSec: 93_750, sustained: false, coresUsed: 0.77, pipelineP99Us: 547_800 }),
    ]
    const v = judgeLimit(steps, 1, 100_000)
    expect(v.evidence).toStartWith('at 93,756 msg/s offered (')
    expect(v.evidence).toContain('latency broke')
    const held = judgeLimit(steps.slice(0, 2), 1, 100_000)
    expect(held.evidence).toStartWith('at 71,016 msg/s offered of 100,000 asked (')
  })
})

describe('the sustained rule: did the producer keep up with the feed', () => {
  const rule = (o: Partial<Parameters<typeof isSustained>[0]>) =>
    isSustained(
      {
        pipelineP99Us: 8000,
        exchangeToAckP99Us: 9000,
        feedLagP99Us: 1000,
        backlogGrowthMs: 0,
        readDeliveredFraction: 1,
        ...o,
      },
      100_000,
    )

  // go in a 1-round ladder at 35,005 msg/s offered: 99.86 % of the offer delivered within a 15-s
  // window (the frames in flight at its edges), p99 27.6 ms, 0.38 of its core idle: called not
  // sustained by the old rule (≥ 99.9 % of the offer), though it kept up with the feed
  test('frames in flight at the window’s edges do not fail a step that kept up', () => {
    const report = makeReport('go', 1, (r) => {
      r.timing.measuredDurationMs = 15_000
      r.messages.received = 524_340
      r.messages.produced = 524_340
      r.messages.delivered = 524_340
      r.latency.pipeline.p99Us = 27_600
      r.latency.exchangeToAck.p99Us = 29_100
    })
    // the feed counted 525,075 frames sent between the start and end events it saw: 735 more than
    // the producer read in its own window, 21 ms of the feed (the events' delay, not a backlog)
    const figures = stepFigures('go', report, 525_075)
    expect(figures.deliveredFraction).toBeLessThan(0.999)
    expect(figures.backlogGrowthMs).toBeCloseTo(21, 0)
    expect(isSustained({ ...figures, feedLagP99Us: 2000 }, 100_000)).toBe(true)
  })

  // node in a 30-s race: pipeline p99 58.8 ms like the others, exchange→ack p99 6,533 ms: its
  // frames waited six seconds in its socket before it read them
  test('a producer behind the feed fails on exchange→ack, whatever its pipeline p99', () => {
    expect(rule({ pipelineP99Us: 58_800, exchangeToAckP99Us: 6_533_000 })).toBe(false)
    expect(rule({ pipelineP99Us: 58_800, exchangeToAckP99Us: 86_000 })).toBe(true)
  })

  test('a growing backlog fails the step even while the frames it reads are fresh', () => {
    expect(rule({ backlogGrowthMs: 250 })).toBe(false)
    expect(rule({ backlogGrowthMs: 40 })).toBe(true)
  })

  test('frames read but not delivered fail the step', () => {
    expect(rule({ readDeliveredFraction: 0.99 })).toBe(false)
  })

  test('the feed’s own lag is the rig’s, not charged to the producer', () => {
    expect(rule({ exchangeToAckP99Us: 950_000, feedLagP99Us: 900_000 })).toBe(true)
    expect(rule({ exchangeToAckP99Us: 950_000, feedLagP99Us: 100_000 })).toBe(false)
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

describe('searchSaturation', () => {
  // a producer that holds every rate up to `capacity`, and a feed that can send `feedMax` at most
  const search = async (
    rates: number[],
    capacity: number,
    feedMax = Infinity,
    doublings = DEFAULT_LADDER_DOUBLINGS,
    growth = 2,
  ) => {
    const probed: number[] = []
    const steps: LadderStepResult[] = []
    const point = await searchSaturation(
      rates,
      async (rate) => {
        probed.push(rate)
        const offered = Math.min(rate, feedMax)
        return {
          ...step(offered),
          sustained: offered <= capacity,
          feedBehind: rate > feedMax,
          report: {} as LadderStepResult['report'],
        }
      },
      steps,
      [],
      doublings,
      growth,
    )
    return { point, probed }
  }

  test('bisects between the last sustained and the first failed step to within 5 %', async () => {
    const { point, probed } = await search([2_000, 20_000, 50_000, 100_000], 81_000)
    expect(point!).toBeLessThanOrEqual(81_000)
    expect(point!).toBeGreaterThanOrEqual(81_000 * 0.95)
    expect(probed.slice(0, 4)).toEqual([2_000, 20_000, 50_000, 100_000])
  })

  // a 3-round ladder over 2k, 20k, 50k, 100k: bun held 100k in one round, and that round's
  // saturation point read 100,000 msg/s, the top of the list, not bun's limit
  test('a list whose every step held is doubled past its end until a step fails', async () => {
    const { point, probed } = await search([2_000, 20_000, 50_000, 100_000], 130_000)
    expect(probed).toContain(200_000)
    expect(point!).toBeGreaterThanOrEqual(130_000 * 0.95)
    expect(point!).toBeLessThanOrEqual(130_000)
  })

  test('the doubling is bounded, and stops at a rig-capped step', async () => {
    const unbounded = await search([1_000], Infinity)
    expect(unbounded.probed).toEqual(Array.from({ length: 1 + DEFAULT_LADDER_DOUBLINGS }, (_, i) => 1_000 * 2 ** i))
    const capped = await search([2_000, 20_000, 50_000, 100_000], Infinity, 150_000)
    expect(capped.probed).toEqual([2_000, 20_000, 50_000, 100_000, 200_000])
    expect(capped.point).toBe(150_000)
  })

  test('--ladder-doublings bounds the climb past the list: 0 probes the list only', async () => {
    expect((await search([1_000, 2_000], Infinity, Infinity, 0)).probed).toEqual([1_000, 2_000])
    expect((await search([1_000], Infinity, Infinity, 2)).probed).toEqual([1_000, 2_000, 4_000])
  })

  test('null when not even the first step held', async () => {
    expect((await search([2_000, 20_000], 1_000)).point).toBeNull()
  })

  describe('a later round, from a bracket around the last point', () => {
    const full = [2_000, 20_000, 50_000, 100_000]
    const later = (hint: number, capacity: number) =>
      search(bracketRates(2_000, hint), capacity, Infinity, 32, BRACKET_FACTOR)

    test('finds the same point to the same 5 % as the full climb, in fewer steps', async () => {
      for (const capacity of [9_000, 37_000, 81_000]) {
        const first = await search(full, capacity)
        const next = await later(first.point!, capacity)
        expect(next.probed[0]).toBe(2_000)
        expect(next.point!).toBeLessThanOrEqual(capacity)
        expect(next.point!).toBeGreaterThanOrEqual(capacity * 0.95)
        expect(next.probed.length).toBeLessThan(first.probed.length)
      }
    })

    test('a stale hint only costs steps: the bracket widens down and up', async () => {
      // the producer got slower than the hint's low end, and faster than its high end
      for (const [hint, capacity] of [
        [60_000, 30_000],
        [30_000, 70_000],
      ] as const) {
        const next = await later(hint, capacity)
        expect(next.point!).toBeLessThanOrEqual(capacity)
        expect(next.point!).toBeGreaterThanOrEqual(capacity * 0.95)
      }
    })

    test('the first rate is probed every round, and a hint at it is not probed twice', () => {
      expect(bracketRates(2_000, 40_000)).toEqual([2_000, Math.round(40_000 / BRACKET_FACTOR), 44_000])
      expect(bracketRates(2_000, 2_100)).toEqual([2_000, 2_310])
    })
  })
})
