/**
 * @module kafka/ffi-sink
 * The Bun contender's sink: librdkafka's C API through bun:ffi (the Node binding's addon cannot
 * load on Bun). Messages go out with rd_kafka_produceva (key, value, opaque = seq, headers `seq`,
 * `contender` and `phase`, RD_KAFKA_MSG_F_COPY so nothing JS owns is referenced after the call). Delivery
 * reports, stats and errors arrive as events on the main queue and are served by `poll()` on the
 * JS thread (ffi-producer.ts): librdkafka's threads never call into JS. The JS thread learns that
 * the queue has something from the queue's io-event pipe, read by Bun's event loop
 * (librdkafka/wakeups.ts). This module holds only the bun:ffi calls.
 */
import { ptr, read, type Pointer } from 'bun:ffi'
import type { Sink, SinkOptions } from './sink.ts'
import { FfiProducer, type FfiCalls } from './ffi-producer.ts'
import { DR_BATCH, VU_COUNT } from './produce-vector.ts'
import { KafkaError } from '../../librdkafka/errors.ts'
import { cstr, errName, makeClient, makeConf, RD, rdk, requestMetadata } from '../../librdkafka/bindings.ts'
import { queueWakeups } from '../../librdkafka/wakeups.ts'

export function librdkafkaVersion(): string {
  return String(rdk().rd_kafka_version_str())
}

/** The startup's metadata check on `rk` (both bun sinks): a KafkaError naming why no broker answered. */
export async function checkBroker(rk: Pointer, timeoutMs: number): Promise<void> {
  try {
    requestMetadata(rk, timeoutMs)
  } catch (error) {
    throw new KafkaError(
      `no broker answered a metadata request within ${timeoutMs} ms (${(error as Error).message})`,
      (error as KafkaError).errName ?? 'METADATA',
    )
  }
}

/** A producer on the sink's settings (events: delivery reports, errors, stats) and its topic handle. */
function newProducer(o: SinkOptions): { rk: Pointer; rkt: Pointer } {
  const c = rdk()
  const conf = makeConf(
    { ...o.settings, 'bootstrap.servers': o.bootstrap },
    RD.EVENT_DR | RD.EVENT_ERROR | RD.EVENT_STATS,
  )
  const rk = makeClient(RD.PRODUCER, conf)
  const topicName = cstr(o.topic)
  const rkt = c.rd_kafka_topic_new(rk, topicName, null)
  if (!rkt) {
    c.rd_kafka_destroy(rk)
    throw new KafkaError(`cannot create topic handle ${o.topic}`, 'TOPIC')
  }
  return { rk, rkt: rkt as Pointer }
}

/** The producer's C calls through bun:ffi. */
function bunCalls(o: SinkOptions): FfiCalls<Pointer> & { queue: Pointer } {
  const c = rdk()
  const { rk, rkt } = newProducer(o)
  const queue = c.rd_kafka_queue_get_main(rk)! as Pointer
  return {
    queue,
    librdkafkaVersion: librdkafkaVersion(),
    errName,
    addressOf: (bytes) => ptr(bytes),
    topicAddress: rkt as number,
    produceva(vector) {
      const error = c.rd_kafka_produceva(rk, vector.address as Pointer, VU_COUNT)
      if (!error) return undefined
      const code = c.rd_kafka_error_code(error)
      const message = String(c.rd_kafka_error_string(error))
      c.rd_kafka_error_destroy(error)
      return { code, message }
    },
    nextEvent: () => c.rd_kafka_queue_poll(queue, 0) as Pointer | null,
    eventType: (event) => c.rd_kafka_event_type(event),
    deliveries: (event) => ({
      fill: (out) => Number(c.rd_kafka_event_message_array(event, ptr(out), DR_BATCH)),
      i32: (msg, offset) => read.i32(msg as Pointer, offset),
      pointer: (msg, offset) => read.ptr(msg as Pointer, offset),
    }),
    eventStats: (event) => String(c.rd_kafka_event_stats(event)),
    eventError(event) {
      const code = c.rd_kafka_event_error(event)
      const fatal = c.rd_kafka_event_error_is_fatal(event) ? 'fatal ' : ''
      return `${fatal}${errName(code)}: ${c.rd_kafka_event_error_string(event)}`
    },
    eventDestroy: (event) => c.rd_kafka_event_destroy(event),
    outqLen: () => c.rd_kafka_outq_len(rk),
    checkBroker: (timeoutMs) => checkBroker(rk, timeoutMs),
    sleep: (ms) => Bun.sleep(ms),
    destroy() {
      c.rd_kafka_queue_destroy(queue)
      c.rd_kafka_topic_destroy(rkt)
      c.rd_kafka_destroy(rk)
    },
  }
}

export function createFfiSink(o: SinkOptions): Sink {
  const calls = bunCalls(o)
  const producer = new FfiProducer(calls, o)
  return producer.sink(queueWakeups(calls.queue, producer.poll))
}
