/**
 * @module kafka/confluent-sink
 * The Node contender's sink: @confluentinc/kafka-javascript (its node-rdkafka-style Producer),
 * whose addon set-up links against the project's one librdkafka build. Delivery reports come
 * back as 'delivery-report' events carrying the seq as opaque. Once connected the binding polls
 * in the background (`setPollInBackground`, as its own KafkaJS-style producer does): librdkafka's
 * background thread serves the queue as events arrive and the addon wakes the event loop
 * (uv_async) to emit them, so no JS timer polls (`servesItself`). This file only loads on Node
 * (the addon cannot run on Bun).
 */
import Kafka from '@confluentinc/kafka-javascript'
import type { Phase, Sink, SinkOptions } from './sink.ts'
import { isSecretProperty, REDACTED } from '../../contract/redact.ts'

const ERR_QUEUE_FULL = -184

/**
 * librdkafka's message for a bad value names the property's canonical alias (linger.ms →
 * queue.buffering.max.ms) and not the value, so a rejected config is retried property by
 * property to name the pair the user wrote.
 */
function rejectedPair(settings: Record<string, string>, error: Error): Error {
  for (const [key, value] of Object.entries(settings)) {
    try {
      new Kafka.Producer({ [key]: value } as Kafka.ProducerGlobalConfig)
    } catch (single) {
      return new Error(`${key}=${isSecretProperty(key) ? REDACTED : value}: ${(single as Error).message}`)
    }
  }
  return error
}

export function createConfluentSink(o: SinkOptions): Sink {
  let producer: Kafka.Producer
  try {
    producer = new Kafka.Producer({
      ...o.settings,
      'bootstrap.servers': o.bootstrap,
      dr_cb: true,
    } as Kafka.ProducerGlobalConfig)
  } catch (error) {
    throw rejectedPair(o.settings, error as Error)
  }
  const contender = Buffer.from(o.contender)
  const phases: Record<Phase, Buffer> = { warmup: Buffer.from('warmup'), window: Buffer.from('window') }
  let inFlight = 0

  producer.on('delivery-report', (error, report) => {
    inFlight--
    o.onDelivery(report.opaque as number, error ? errName(error) : undefined)
  })
  producer.on('event.stats', (event: { message: string }) => o.onStats(event.message))
  producer.on('event.error', (error) => o.onError(`${errName(error)}: ${error.message}`))

  return {
    librdkafkaVersion: Kafka.librdkafkaVersion,
    settings: o.settings,
    servesItself: true,
    produce(key: Uint8Array, value: Uint8Array, seq: number, phase: Phase): boolean {
      try {
        producer.produce(o.topic, null, value as Buffer, key as Buffer, null, seq, [
          { seq: Buffer.from(String(seq)) },
          { contender },
          { phase: phases[phase] },
        ])
        inFlight++
        return true
      } catch (error) {
        if ((error as { code?: number }).code === ERR_QUEUE_FULL) return false
        throw error
      }
    },
    poll(): number {
      // a no-op in the binding once it polls in the background; before that (connecting) it serves
      if (producer.isConnected()) producer.poll()
      return 0
    },
    outqLen(): number {
      return inFlight
    },
    async flush(timeoutMs: number): Promise<number> {
      const deadline = Date.now() + timeoutMs
      // flush() serves delivery reports; loop in slices so the events reach JS between them
      while (inFlight > 0 && Date.now() < deadline) {
        await new Promise<void>((resolve) => producer.flush(Math.min(100, deadline - Date.now()), () => resolve()))
        await new Promise((resolve) => setImmediate(resolve))
      }
      return inFlight
    },
    checkBroker(timeoutMs: number): Promise<void> {
      return new Promise((resolve, reject) => {
        producer.connect({ timeout: timeoutMs }, (error) => {
          if (error) return reject(new Error(`${errName(error)}: ${error.message}`))
          // nothing is produced before this: from here on librdkafka's background thread serves the queue
          producer.setPollInBackground(true)
          resolve()
        })
      })
    },
    close(): void {
      // never connected (broker unreachable): nothing to disconnect, and the binding throws
      if (producer.isConnected()) producer.disconnect()
    },
  }
}

function errName(error: { code?: number; message?: string }): string {
  const code = error.code ?? 0
  const name = Object.entries(Kafka.CODES.ERRORS).find(([, value]) => value === code)?.[0]
  return name ? name.replace(/^ERR_/, '') : `ERR_${code}`
}
