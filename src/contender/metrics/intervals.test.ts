import { expect, test } from 'bun:test'
import { IntervalSeries, intervalOffsets } from './intervals.ts'

const memory = { rssBytes: 1, heapBytes: 1 }

test('periodic samples stop before the window end, which closes the series itself', () => {
  expect(intervalOffsets(60_000)).toEqual([
    5000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 55_000,
  ])
  expect(intervalOffsets(4000)).toEqual([])
  expect(intervalOffsets(7000)).toEqual([5000])
})

test('the series never ends with a repeat of the last offset holding no messages', () => {
  const series = new IntervalSeries()
  expect(series.add(5000.2, { received: 10, delivered: 9, failed: 0 }, memory)?.receivedPerSec).toBe(2)
  // the window closes a fraction of a millisecond after the last tick
  expect(series.add(5000.4, { received: 10, delivered: 10, failed: 0 }, memory)).toBeUndefined()
  expect(series.samples.map((s) => s.offsetMs)).toEqual([5000])
})

test('an empty window gives no sample at offset 0', () => {
  const series = new IntervalSeries()
  expect(series.add(0.3, { received: 0, delivered: 0, failed: 0 }, memory)).toBeUndefined()
  expect(series.samples).toEqual([])
})
