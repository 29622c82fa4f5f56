import { expect, test } from 'bun:test'
import * as hdr from 'hdr-histogram-js'
import { encode, latencyHistogram, record, summarize, summarizeValues } from './histogram.ts'
import { EncodedHistogram } from './report.ts'

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

test('the encoded histogram decodes to the very histogram the summary was read from', () => {
  // heavy-tailed like latencies, zeros included, so p99 sits in a wide bucket
  const values = Array.from({ length: 5000 }, (_, i) => (i % 50 === 0 ? 0 : Math.round(((i * 7919) % 5000) ** 2 / 10)))
  const histogram = latencyHistogram()
  for (const value of values) record(histogram, value)
  const summary = summarize(histogram)
  const encoded = encode(histogram)
  expect(EncodedHistogram.parse(encoded)).toBe(encoded)
  const decoded = hdr.decodeFromCompressedBase64(encoded)
  expect(decoded.totalCount).toBe(summary.count)
  expect(decoded.getValueAtPercentile(99)).toBe(summary.p99Us)
  expect(decoded.getValueAtPercentile(50)).toBe(summary.p50Us)
  expect(decoded.getValueAtPercentile(100)).toBe(summary.maxUs)
})

test('an empty histogram still encodes, and decodes empty', () => {
  const encoded = encode(latencyHistogram())
  expect(EncodedHistogram.safeParse(encoded).success).toBe(true)
  expect(hdr.decodeFromCompressedBase64(encoded).totalCount).toBe(0)
})
