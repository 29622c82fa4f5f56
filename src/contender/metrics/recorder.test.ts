import { expect, test } from 'bun:test'
import * as hdr from 'hdr-histogram-js'
import { Report } from '../../contract/report.ts'
import { Recorder } from './recorder.ts'

test("the report's four histograms are the window's, the ones its four summaries were read from", () => {
  const r = new Recorder()
  for (let seq = 1; seq <= 3000; seq++) {
    const inAt = seq * 0.5
    r.frame(100)
    r.frameIn(seq, inAt, 100, seq % 3 === 0 ? 0 : 1_700_000_000_000 + inAt)
    r.producedOk(seq, inAt + (seq % 7) * 0.01)
    r.deliveryReport(seq, undefined, inAt + 2 + (seq % 97) * 0.3, 1_700_000_000_000 + inAt + 5 + (seq % 89))
  }
  const latency = r.latency()
  const names = ['processing', 'kafkaAck', 'pipeline', 'exchangeToAck'] as const
  for (const name of names) {
    const decoded = hdr.decodeFromCompressedBase64(latency.histograms[name])
    expect({ name, count: decoded.totalCount, p99: decoded.getValueAtPercentile(99) }).toEqual({
      name,
      count: latency[name].count,
      p99: latency[name].p99Us,
    })
  }
  // frames without an exchange timestamp have no exchange→ack latency: its histogram is its own
  expect(latency.exchangeToAck.count).toBe(2000)
  expect(latency.pipeline.count).toBe(3000)
  expect(Report.shape.latency.parse(latency)).toEqual(latency)
})
