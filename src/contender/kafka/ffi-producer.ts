/**
 * @module kafka/ffi-producer
 * What the two FFI sinks (bun:ffi in ffi-sink.ts, Deno.dlopen in ffi-sink-deno.ts) do alike,
 * whatever the runtime calls C with: one rd_kafka_produceva per message from the preallocated
 * vector (produce-vector.ts), the main queue's events (delivery reports, stats, errors) served on
 * the JS thread, the flush that serves reports itself, and the close. Each runtime brings only its
 * C calls (`FfiCalls`) and its wake-ups.
 */
import { RD } from '../../librdkafka/c-api.ts'
import { KafkaError } from '../../librdkafka/errors.ts'
import { DR_BATCH, ProduceVector, walkDeliveries, type MessageReader } from './produce-vector.ts'
import type { Phase, Sink, SinkOptions } from './sink.ts'

/** librdkafka's C calls as one runtime makes them on one producer; `E` is its event pointer. */
export interface FfiCalls<E> {
  librdkafkaVersion: string
  errName(code: number): string
  /** a key's or value's native address, for the vector */
  addressOf(bytes: Uint8Array | ArrayBuffer): number
  /** the topic handle's native address */
  readonly topicAddress: number
  /** rd_kafka_produceva of the vector's VU_COUNT entries: undefined when accepted, else its error */
  produceva(vector: ProduceVector): { code: number; message: string } | undefined
  /** rd_kafka_queue_poll(main queue, 0) */
  nextEvent(): E | null
  eventType(event: E): number
  /** reads the delivery reports of `event` (rd_kafka_event_message_array and the message words) */
  deliveries(event: E): MessageReader
  eventStats(event: E): string
  /** an error event as `[fatal ]NAME: text` */
  eventError(event: E): string
  eventDestroy(event: E): void
  outqLen(): number
  /** a metadata request within the timeout; rejects with a KafkaError naming why */
  checkBroker(timeoutMs: number): Promise<void>
  sleep(ms: number): Promise<void>
  /** destroys the queue, the topic handle and the producer */
  destroy(): void
}

/** The queue's wake-ups (wakeups-bun.ts, ffi-sink-deno.ts): stopped before the producer closes. */
export interface Wakeups {
  stop(): void
}

/** The producer's events served on this thread: `poll()` for the wake-ups, `sink()` once they are set up. */
export class FfiProducer<E> {
  private readonly vector: ProduceVector
  private readonly drMessages = new BigUint64Array(DR_BATCH)
  private closed = false

  constructor(
    private readonly c: FfiCalls<E>,
    private readonly o: SinkOptions,
  ) {
    this.vector = new ProduceVector((buffer) => c.addressOf(buffer), c.topicAddress, o.contender)
  }

  private serve(event: E): void {
    const { c, o } = this
    switch (c.eventType(event)) {
      case RD.EVENT_DR:
        walkDeliveries(c.deliveries(event), this.drMessages, c.errName, o.onDelivery)
        break
      case RD.EVENT_STATS:
        o.onStats(c.eventStats(event))
        break
      case RD.EVENT_ERROR:
        o.onError(c.eventError(event))
        break
    }
    c.eventDestroy(event)
  }

  /** Serves every queued event; how many. */
  readonly poll = (): number => {
    if (this.closed) return 0
    let served = 0
    for (let event = this.c.nextEvent(); event; event = this.c.nextEvent()) {
      this.serve(event)
      served++
    }
    return served
  }

  private produce(key: Uint8Array, value: Uint8Array, seq: number, phase: Phase): boolean {
    const { c, vector } = this
    vector.set(c.addressOf(key), key.byteLength, c.addressOf(value), value.byteLength, seq, phase)
    const error = c.produceva(vector)
    if (!error) return true
    if (error.code === RD.ERR_QUEUE_FULL) return false
    throw new KafkaError(`produce to ${this.o.topic}: ${error.message}`, c.errName(error.code), error.code)
  }

  /** The sink, woken by `wake` when it could be set up (else the pipeline polls on a timer). */
  sink(wake: Wakeups | undefined): Sink {
    const { c, poll } = this
    return {
      librdkafkaVersion: c.librdkafkaVersion,
      settings: this.o.settings,
      servesItself: wake !== undefined,
      produce: (key, value, seq, phase) => this.produce(key, value, seq, phase),
      poll,
      outqLen: () => (this.closed ? 0 : c.outqLen()),
      flush: async (timeoutMs) => {
        // rd_kafka_flush would wait for someone else to serve the DR queue; this thread is that someone
        const deadline = performance.now() + timeoutMs
        while (c.outqLen() > 0 && performance.now() < deadline) {
          poll()
          await c.sleep(1)
        }
        poll()
        return c.outqLen()
      },
      checkBroker: async (timeoutMs) => {
        try {
          await c.checkBroker(timeoutMs)
        } finally {
          poll()
        }
      },
      close: () => {
        if (this.closed) return
        wake?.stop()
        poll()
        this.closed = true
        c.destroy()
      },
    }
  }
}
