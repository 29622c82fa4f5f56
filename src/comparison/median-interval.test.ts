import { describe, expect, test } from 'bun:test'
import {
  describeMedianInterval,
  formatConfidence,
  medianInterval,
  orderStatisticConfidence,
  orderStatisticRank,
} from './median-interval.ts'
import { formatSpread, spreadOf, UNITS } from './spread.ts'

describe('the interval for a median over rounds', () => {
  test('the confidence of min–max is 1 − 2·(½)^n: 3 rounds 75 %, 5 rounds 93.75 %, 6 rounds 96.875 %', () => {
    expect(orderStatisticConfidence(3, 1)).toBeCloseTo(0.75, 10)
    expect(orderStatisticConfidence(5, 1)).toBeCloseTo(0.9375, 10)
    expect(orderStatisticConfidence(6, 1)).toBeCloseTo(0.96875, 10)
    // 9 rounds, 2nd to 8th: 1 − 2·(1 + 9)/512
    expect(orderStatisticConfidence(9, 2)).toBeCloseTo(1 - 20 / 512, 10)
  })

  test('it narrows only while it keeps 95 %: min–max up to 8 rounds, the 2nd from 9, the 3rd from 12', () => {
    expect([3, 5, 6, 8].map((n) => orderStatisticRank(n))).toEqual([1, 1, 1, 1])
    expect(orderStatisticRank(9)).toBe(2)
    expect(orderStatisticRank(11)).toBe(2)
    expect(orderStatisticRank(12)).toBe(3)
    for (const n of [6, 9, 12, 20])
      expect(orderStatisticConfidence(n, orderStatisticRank(n))).toBeGreaterThanOrEqual(0.95)
  })

  test('the interval of nine rounds leaves out the lowest and the highest', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 100]
    expect(medianInterval(sorted)).toMatchObject({ lo: 2, hi: 8 })
    expect(medianInterval(sorted).confidence).toBeCloseTo(1 - 20 / 512, 10)
    expect(formatSpread(spreadOf([...sorted].reverse()), UNITS.count)).toBe('5 (2–8)')
    expect(formatSpread(spreadOf([5, 1, 9]), UNITS.count)).toBe('5 (1–9)')
  })

  test('the report says what the range means, and when the rounds are too few for 95 %', () => {
    expect(formatConfidence(0.9375)).toBe('93.8 %')
    expect(formatConfidence(0.75)).toBe('75 %')
    expect(describeMedianInterval(5)).toBe(
      'over 5 rounds the range is min–max, a distribution-free interval that holds the true median with 93.8 % confidence (5 rounds cannot reach 95 %; 6 rounds can)',
    )
    expect(describeMedianInterval(9)).toContain('the 2nd lowest to the 2nd highest round')
    expect(describeMedianInterval(9)).toContain('96.1 % confidence')
    expect(describeMedianInterval(9)).not.toContain('cannot reach')
  })
})
