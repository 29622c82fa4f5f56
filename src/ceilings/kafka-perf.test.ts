/**
 * The ProducerPerformance row discards a warm-up: the command runs the launcher that sends the
 * warm-up first in the same JVM, the figure is the summary after the launcher's marker, and the
 * row's note says how. No broker here; the real run is in limits.bench.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import {
  kafkaPerfCommand,
  MEASURED_MARKER,
  perfNote,
  splitPerfOutput,
  toJavaProducerProps,
  warmupRecordsOf,
} from './kafka-perf.ts'

const summary = (records: number, p99: number) =>
  `${records} records sent, 50000.0 records/sec (40.00 MB/sec), 20.00 ms avg latency, 900.00 ms max latency, 10 ms 50th, 40 ms 95th, ${p99} ms 99th, 880 ms 99.9th.`

describe('the warm-up of Kafka ProducerPerformance', () => {
  test('is passed: the launcher runs it first in the same JVM, half the measured records unless given', () => {
    const { cmd } = kafkaPerfCommand({ bootstrap: '127.0.0.1:9092', topic: 't', records: 200_000, recordSize: 100 })
    const launcher = cmd.findIndex((a) => a.endsWith('/perf-warmup/PerfWarmup.java'))
    expect(launcher).toBeGreaterThan(0)
    expect(cmd[launcher + 1]).toBe('100000')
    // ProducerPerformance's own arguments follow: the measured run's count is the one asked for
    expect(cmd.slice(launcher + 2, launcher + 4)).toEqual(['--topic', 't'])
    expect(cmd[cmd.indexOf('--num-records') + 1]).toBe('200000')
    const given = kafkaPerfCommand({ bootstrap: 'b', topic: 't', records: 10, recordSize: 1, warmupRecords: 0 }).cmd
    expect(given[given.findIndex((a) => a.endsWith('PerfWarmup.java')) + 1]).toBe('0')
    expect(warmupRecordsOf({ records: 20_001 })).toBe(10_001)
    expect(() =>
      kafkaPerfCommand({ bootstrap: 'b', topic: 't', records: 10, recordSize: 1, warmupRecords: -1 }),
    ).toThrow(/warmupRecords must be a whole number/)
  })

  test('is discarded: the figure is the summary after the marker, never the warm-up’s', () => {
    const out = [
      '# perf-warmup: warm-up run of 100000 records, discarded',
      '50000 records sent, 9999.0 records/sec (8.00 MB/sec), 300.0 ms avg latency, 900.0 ms max latency.',
      summary(100_000, 830),
      MEASURED_MARKER,
      summary(200_000, 41),
    ].join('\n')
    const { warmup, measured } = splitPerfOutput(out)
    expect([warmup?.records, warmup?.p99Ms]).toEqual([100_000, 830])
    expect([measured?.records, measured?.p99Ms]).toEqual([200_000, 41])
    // the measured run died before its summary: no figure, not the warm-up's
    expect(splitPerfOutput(out.split('\n').slice(0, 4).join('\n')).measured).toBeUndefined()
    expect(splitPerfOutput(out.split('\n').slice(0, 3).join('\n')).measured).toBeUndefined()
  })

  test('is stated in the row', () => {
    const translated = toJavaProducerProps({ 'linger.ms': '10', 'statistics.interval.ms': '1000' })
    const note = perfNote({ payloadFile: 'p.txt' }, translated, { records: 100_000, p99Ms: 830 })
    expect(note).toContain('after a discarded warm-up of 100,000 records in the same JVM (their p99 830 ms)')
    expect(note).toContain('payloads from the same frames')
    expect(note).toContain('no Java equivalent for statistics.interval.ms')
    expect(perfNote({ recordSize: 10 }, translated, { records: 0 })).toContain('cold: no warm-up')
  })
})
