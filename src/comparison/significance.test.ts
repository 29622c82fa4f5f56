import { describe, expect, test } from 'bun:test'
import {
  excludesOne,
  fewestRounds,
  formatBounds,
  formatInterval,
  normalTheoryRounds,
  ratioInterval,
  roundsToDetect,
  shortfall,
  simulatedPower,
  smallestP,
} from './significance.ts'

describe('the Mann–Whitney / Hodges–Lehmann ratio interval', () => {
  test('3 against 3 rounds cannot reach 95 %: the widest interval, at the 90 % it has, and says so', () => {
    const i = ratioInterval([100, 101, 102], [120, 121, 122])!
    expect(i.attainable).toBe(false)
    expect(i.minP).toBeCloseTo(0.1, 10)
    expect(i.confidence).toBeCloseTo(0.9, 10)
    // every pairwise ratio y ÷ x: from 120/102 to 122/100
    expect(i.low).toBeCloseTo(120 / 102, 10)
    expect(i.high).toBeCloseTo(122 / 100, 10)
    expect(excludesOne(i)).toBe(false)
    expect(shortfall(i)).toBe('3 against 3 rounds cannot reach 95 %: smallest p-value 0.10; at least 4 rounds each can')
    expect(formatInterval(i)).toBe('90 % CI 1.18–1.22')
  })

  test('4 against 4 fully separated rounds: a 97 % interval (the 95 % one the rounds allow) excluding 1', () => {
    const i = ratioInterval([100, 101, 102, 103], [120, 121, 122, 123])!
    expect(i.attainable).toBe(true)
    expect(i.confidence).toBeCloseTo(1 - 2 / 70, 10)
    expect(i.p).toBeCloseTo(2 / 70, 10)
    expect(excludesOne(i)).toBe(true)
    expect(i.ratio).toBeCloseTo(121.5 / 101.5, 10)
  })

  test('5 against 5: the cut the tables give (U ≤ 2 rejects at 5 %), so one overlap still excludes 1', () => {
    // P(U ≤ 2) = 4/252: three pairwise ratios are cut from each end
    const x = [100, 101, 102, 103, 110]
    const y = [104, 111, 112, 113, 114]
    const i = ratioInterval(x, y)!
    expect(i.confidence).toBeCloseTo(1 - 8 / 252, 10)
    const ratios = x.flatMap((a) => y.map((b) => b / a)).sort((a, b) => a - b)
    expect(i.low).toBeCloseTo(ratios[2]!, 10)
    expect(i.high).toBeCloseTo(ratios[22]!, 10)
    expect(excludesOne(i)).toBe(true)
  })

  test('overlapping samples: the interval holds 1', () => {
    const i = ratioInterval([100, 104, 98, 102, 101], [99, 103, 100, 105, 97])!
    expect(i.attainable).toBe(true)
    expect(i.low).toBeLessThan(1)
    expect(i.high).toBeGreaterThan(1)
    expect(excludesOne(i)).toBe(false)
    expect(i.p).toBeGreaterThan(0.5)
  })

  test('many rounds use the normal approximation and land on the tabled critical value (12 against 12: U ≤ 37)', () => {
    const x = Array.from({ length: 12 }, (_, k) => 100 + k)
    const y = Array.from({ length: 12 }, (_, k) => 200 + k)
    const i = ratioInterval(x, y)!
    const ratios = x.flatMap((a) => y.map((b) => b / a)).sort((a, b) => a - b)
    expect(i.low).toBeCloseTo(ratios[37]!, 10)
    expect(i.high).toBeCloseTo(ratios[144 - 38]!, 10)
    expect(i.confidence).toBeGreaterThanOrEqual(0.95)
  })

  test('bounds print with the decimals it takes to show where 1 falls', () => {
    expect(formatBounds(1.12, 1.18)).toBe('1.12–1.18')
    expect(formatBounds(0.9996, 1.0092)).toBe('0.9996–1.0092')
    expect(formatBounds(0.9996, 1.0092)).not.toStartWith('1.00')
    expect(formatBounds(1.0012, 1.0018)).toBe('1.001–1.002')
  })

  test('no ratio of a zero or negative figure', () => {
    expect(ratioInterval([0, 1, 2], [1, 2, 3])).toBeUndefined()
    expect(ratioInterval([], [1])).toBeUndefined()
  })

  test('one round each: no interval at all', () => {
    expect(formatInterval(ratioInterval([100], [130])!)).toBe('no interval')
    expect(shortfall(ratioInterval([100], [130])!)).toBe(
      'one round measures no noise; at least 4 rounds each can name a winner',
    )
    expect(smallestP(1, 1)).toBe(1)
  })
})

describe('rounds from noise', () => {
  test('4 rounds a side is the least that can reach 95 %', () => {
    expect(fewestRounds()).toBe(4)
    expect(smallestP(3, 3)).toBeCloseTo(0.1, 10)
    expect(smallestP(4, 4)).toBeCloseTo(2 / 70, 10)
  })

  test('rounds to detect a 10 % difference, simulated with this interval: more rounds for more noise, never below 4', () => {
    expect(roundsToDetect(0.01)).toBe(4)
    // python's CPU per message on a quiet day (CV 3.3 %): 4 rounds detect 10 % about 80 % of the
    // time, 5 rounds 94 %: 5 is the first to reach the 90 % asked
    expect(simulatedPower(0.033, 4)).toBeCloseTo(0.8, 1)
    expect(simulatedPower(0.033, 5)).toBeGreaterThan(0.92)
    expect(roundsToDetect(0.033)).toBe(5)
    // the normal-theory first guess is optimistic at few rounds
    expect(normalTheoryRounds(0.033)).toBe(3)
    // no difference: the interval excludes 1 at most 5 % of the time
    expect(simulatedPower(0.05, 5, 0)).toBeLessThanOrEqual(0.05)
    expect(roundsToDetect(0.135, 0.1, 0.9, 10)).toBeUndefined()
    // thousands of simulated races: room for a loaded machine
  }, 60_000)
})
