import { expect, test } from 'bun:test'
import { BACKOFF_CAP_MS, backoffDelay } from './backoff.ts'

test('backoff doubles per attempt from the base and is capped', () => {
  const mid = () => 0.5 // no jitter
  expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 1000, false, mid))).toEqual([
    1000,
    2000,
    4000,
    8000,
    16000,
    BACKOFF_CAP_MS,
  ])
})

test('jitter stays within ±20 %', () => {
  expect(backoffDelay(2, 1000, false, () => 0)).toBe(1600)
  expect(backoffDelay(2, 1000, false, () => 1)).toBe(2400)
})

test('a 429 backs off four times longer', () => {
  expect(backoffDelay(1, 1000, true, () => 0.5)).toBe(4000)
})
