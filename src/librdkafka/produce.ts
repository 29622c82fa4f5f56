/**
 * @module librdkafka/produce
 * A small producer through bun:ffi that sends a batch of values and waits for every delivery
 * report: for broker checks and fault tests ("does an acks=all produce succeed with two of three
 * nodes down?"), not for the race, whose contenders have their own sinks. It starts from the
 * project's producer settings (acks=all, idempotence, ...) so a check means what a run would see.
 */
import { ptr, read, type Pointer } from 'bun:ffi'
import { PATHS } from '../paths.ts'
import { cstr, errName, makeClient, makeConf, RD, rdk } from './bindings.ts'
import { readSettingsFile } from './settings-file.ts'

export interface ProduceOutcome {
  delivered: number
  failed: number
  /** failed deliveries by librdkafka error name, e.g. { NOT_ENOUGH_REPLICAS: 3, _MSG_TIMED_OUT: 7 } */
  errors: Record<string, number>
  /** messages with no delivery report when timeoutMs ran out */
  unreported: number
  /** error events (not per message), e.g. '_ALL_BROKERS_DOWN: ...' */
  events: string[]
}

export interface ProduceOptions {
  /** librdkafka properties over the project's producer settings (e.g. message.timeout.ms) */
  properties?: Record<string, string>
  /** a fixed partition (default: the partitioner's choice) */
  partition?: number
  /** give up waiting for delivery reports after this long (default: message.timeout.ms + 5 s) */
  timeoutMs?: number
}

/** config/producer-settings.json without its statistics (no stats events needed here). */
function projectSettings(): Record<string, string> {
  const { 'statistics.interval.ms': _, ...settings } = readSettingsFile(PATHS.producerSettings)
  return settings
}

export async function produceAndWait(
  bootstrap: string,
  topic: string,
  values: (string | Uint8Array)[],
  o: ProduceOptions = {},
): Promise<ProduceOutcome> {
  const c = rdk()
  // outcomes come back as delivery reports; log_level 3 drops the warnings a fault test provokes
  const properties = {
    ...projectSettings(),
    'message.timeout.ms': '30000',
    log_level: '3',
    ...o.properties,
    'bootstrap.servers': bootstrap,
  }
  const rk = makeClient(RD.PRODUCER, makeConf(properties, RD.EVENT_DR | RD.EVENT_ERROR))
  const queue = c.rd_kafka_queue_get_main(rk) as Pointer
  const outcome: ProduceOutcome = { delivered: 0, failed: 0, errors: {}, unreported: 0, events: [] }
  const topicName = cstr(topic)
  // rd_kafka_vu_t[4]: TOPIC, VALUE, MSGFLAGS, PARTITION (vtype i32 @0, union @8; VALUE is {ptr @8, size @16})
  const vus = new ArrayBuffer(RD.VU_SIZE * 4)
  const view = new DataView(vus)
  const vu = (i: number, vtype: number) => (view.setInt32(i * RD.VU_SIZE, vtype, true), i * RD.VU_SIZE + 8)
  view.setBigUint64(vu(0, RD.VTYPE.TOPIC), BigInt(ptr(topicName)), true)
  const valueAt = vu(1, RD.VTYPE.VALUE)
  view.setInt32(vu(2, RD.VTYPE.MSGFLAGS), RD.MSG_F_COPY, true)
  const count = o.partition === undefined ? 3 : 4
  if (o.partition !== undefined) view.setInt32(vu(3, RD.VTYPE.PARTITION), o.partition, true)
  const drs = new BigUint64Array(1000)
  const encoder = new TextEncoder()

  const serve = () => {
    for (
      let ev = c.rd_kafka_queue_poll(queue, 0) as Pointer | null;
      ev;
      ev = c.rd_kafka_queue_poll(queue, 0) as Pointer | null
    ) {
      try {
        const type = c.rd_kafka_event_type(ev)
        if (type === RD.EVENT_DR) {
          // one DR event may hold more messages than the array: each call takes the next ones
          for (let n = drs.length; n === drs.length;) {
            n = Number(c.rd_kafka_event_message_array(ev, ptr(drs), drs.length))
            for (let i = 0; i < n; i++) {
              const err = read.i32(Number(drs[i]) as Pointer, RD.MSG.err)
              if (err === 0) outcome.delivered++
              else {
                outcome.failed++
                const name = errName(err)
                outcome.errors[name] = (outcome.errors[name] ?? 0) + 1
              }
            }
          }
        } else if (type === RD.EVENT_ERROR) {
          outcome.events.push(`${errName(c.rd_kafka_event_error(ev))}: ${c.rd_kafka_event_error_string(ev)}`)
        }
      } finally {
        c.rd_kafka_event_destroy(ev)
      }
    }
  }

  try {
    for (const v of values) {
      const bytes = typeof v === 'string' ? encoder.encode(v) : v
      view.setBigUint64(valueAt, BigInt(bytes.length ? ptr(bytes) : 0), true)
      view.setBigUint64(valueAt + 8, BigInt(bytes.length), true)
      const error = c.rd_kafka_produceva(rk, ptr(vus), count) as Pointer | null
      if (error) {
        const name = errName(c.rd_kafka_error_code(error))
        c.rd_kafka_error_destroy(error)
        outcome.failed++
        outcome.errors[name] = (outcome.errors[name] ?? 0) + 1
      }
      serve()
    }
    const timeoutMs = o.timeoutMs ?? Number(properties['message.timeout.ms']) + 5000
    const deadline = Date.now() + timeoutMs
    while (outcome.delivered + outcome.failed < values.length && Date.now() < deadline) {
      serve()
      await Bun.sleep(10)
    }
    serve()
    outcome.unreported = values.length - outcome.delivered - outcome.failed
    return outcome
  } finally {
    c.rd_kafka_queue_destroy(queue)
    c.rd_kafka_destroy(rk)
  }
}
