/**
 * The Bun FFI sinks against a real broker, each alike: the tuned one (`bun-tuned`, ffi-sink.ts)
 * and the as-shipped one (`bun`, ffi-sink-plain.ts). 10,000 messages produced with keys, values
 * and headers (the first half marked warm-up, the rest window), every delivery report a success,
 * then read back through librdkafka's consumer and compared one by one: nothing missing, nothing
 * duplicated.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { createTopic } from '../../librdkafka/admin.ts'
import { KafkaConfigError } from '../../librdkafka/errors.ts'
import { createFfiSink, librdkafkaVersion } from './ffi-sink.ts'
import { createPlainFfiSink } from './ffi-sink-plain.ts'
import type { Sink, SinkOptions } from './sink.ts'
import { readTopic } from '../../librdkafka/consumer.ts'
import { loadProducerSettings } from './settings.ts'
import { produceRoundTrip, roundTripProblems } from './roundtrip.fixture.ts'
import { summarizeStats } from './stats-summary.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
beforeAll(async () => {
  kafka = await useKafka()
})
afterAll(async () => {
  await kafka?.stop()
})

const settings = loadProducerSettings({})
const noop = { onDelivery() {}, onStats() {}, onError() {} }

test('the bun:ffi sinks report the shared librdkafka build', () => {
  expect(librdkafkaVersion()).toBe('2.15.1')
})

const SINKS: [string, string, (o: SinkOptions) => Sink][] = [
  ['bun:ffi sink, produceva from a preallocated vector', 'bun-tuned', createFfiSink],
  ["bun:ffi sink, the per-message path of librdkafka's docs", 'bun', createPlainFfiSink],
]

describe.each(SINKS)('%s (%s)', (_title, contender, createSink) => {
  test('10,000 messages: every delivery report succeeds, the topic holds each exactly once', async () => {
    const topic = `ffi-roundtrip-${contender}-${Date.now()}`
    await createTopic(kafka.bootstrap, topic, 3)
    const delivered = new Map<number, string | undefined>()
    const stats: string[] = []
    const sink = createSink({
      bootstrap: kafka.bootstrap,
      topic,
      contender,
      settings,
      onDelivery: (seq, err) => delivered.set(seq, err),
      onStats: (json) => stats.push(json),
      onError() {},
    })
    await sink.checkBroker(10_000)
    const N = 10_000
    const producedAt = performance.now()
    const left = await produceRoundTrip(sink, N, 30_000)
    expect(left).toBe(0)
    const flushedAt = performance.now()
    await Bun.sleep(1100)
    sink.poll()
    sink.close()
    expect(delivered.size).toBe(N)
    expect([...delivered.values()].filter((e) => e !== undefined)).toEqual([])

    const readAt = performance.now()
    const messages = await readTopic(kafka.bootstrap, topic)
    console.log(
      `[figures] 10,000 messages: produce + every delivery report ${(flushedAt - producedAt).toFixed(0)} ms; read back ${(performance.now() - readAt).toFixed(0)} ms`,
    )
    expect(messages.length).toBe(N)
    expect(roundTripProblems(messages, N, contender)).toEqual([])
    // the producer's statistics were served too, and summarise to real broker figures
    expect(stats.length).toBeGreaterThan(0)
    const summary = summarizeStats(stats)
    expect(summary.samples).toBe(stats.length)
    expect(summary.rttP99Us).toBeGreaterThan(0)
  }, 90_000)

  test('a property librdkafka does not know is a typed error naming it', () => {
    expect(() =>
      createSink({
        bootstrap: kafka.bootstrap,
        topic: 't',
        contender,
        settings: { ...settings, 'no.such.property': '1' },
        ...noop,
      }),
    ).toThrow(KafkaConfigError)
    expect(() =>
      createSink({
        bootstrap: kafka.bootstrap,
        topic: 't',
        contender,
        settings: { ...settings, 'linger.ms': 'soon' },
        ...noop,
      }),
    ).toThrow(/linger\.ms.*soon/)
  })

  test('an unreachable broker fails the metadata check within its deadline', async () => {
    const sink = createSink({ bootstrap: '127.0.0.1:1', topic: 't', contender, settings, ...noop })
    const started = performance.now()
    await expect(sink.checkBroker(1500)).rejects.toThrow(/metadata/)
    expect(performance.now() - started).toBeLessThan(5000)
    sink.close()
  })
})
