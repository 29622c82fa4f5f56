import { expect, test } from 'bun:test'
import { summarizeValues } from './histogram.ts'

test('every recorded value counts, zeros included', () => {
  expect(summarizeValues([0, 5, 7])).toMatchObject({ count: 3, minUs: 0, maxUs: 7 })
  expect(summarizeValues([123_456, 200_000])).toMatchObject({ count: 2, minUs: 123_456 })
  expect(summarizeValues([])).toEqual({
    count: 0,
    minUs: 0,
    meanUs: 0,
    p50Us: 0,
    p95Us: 0,
    p99Us: 0,
    p999Us: 0,
    maxUs: 0,
  })
})
