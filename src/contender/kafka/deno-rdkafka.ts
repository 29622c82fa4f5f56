/**
 * @module kafka/deno-rdkafka
 * librdkafka's C API as the Deno sink calls it (ffi-sink-deno.ts), opened once with Deno.dlopen:
 * the symbols and their typing (Deno's own typing of dlopen is not in the project's types), libc's
 * pipe calls for the wake-ups, and a conf built from properties. Pointers are objects here (an
 * address is read with UnsafePointer.value) and a C string is read with UnsafePointerView.
 */
import { deno, type DenoApi, type DenoPointer } from '../deno-api.ts'
import { cstr, cstringOf, librdkafkaPath, RD } from '../../librdkafka/c-api.ts'
import { KafkaConfigError, KafkaError } from '../../librdkafka/errors.ts'
import { isSecretProperty, REDACTED } from '../../contract/redact.ts'

const SYMBOLS = {
  rd_kafka_version_str: { parameters: [], result: 'pointer' },
  rd_kafka_err2name: { parameters: ['i32'], result: 'pointer' },
  rd_kafka_err2str: { parameters: ['i32'], result: 'pointer' },
  rd_kafka_conf_new: { parameters: [], result: 'pointer' },
  rd_kafka_conf_set: { parameters: ['pointer', 'buffer', 'buffer', 'buffer', 'usize'], result: 'i32' },
  rd_kafka_conf_set_events: { parameters: ['pointer', 'i32'], result: 'void' },
  rd_kafka_conf_destroy: { parameters: ['pointer'], result: 'void' },
  rd_kafka_new: { parameters: ['i32', 'pointer', 'buffer', 'usize'], result: 'pointer' },
  rd_kafka_destroy: { parameters: ['pointer'], result: 'void' },
  rd_kafka_topic_new: { parameters: ['pointer', 'buffer', 'pointer'], result: 'pointer' },
  rd_kafka_topic_destroy: { parameters: ['pointer'], result: 'void' },
  rd_kafka_produceva: { parameters: ['pointer', 'pointer', 'usize'], result: 'pointer' },
  rd_kafka_error_code: { parameters: ['pointer'], result: 'i32' },
  rd_kafka_error_string: { parameters: ['pointer'], result: 'pointer' },
  rd_kafka_error_destroy: { parameters: ['pointer'], result: 'void' },
  rd_kafka_outq_len: { parameters: ['pointer'], result: 'i32' },
  rd_kafka_queue_get_main: { parameters: ['pointer'], result: 'pointer' },
  rd_kafka_queue_destroy: { parameters: ['pointer'], result: 'void' },
  rd_kafka_queue_poll: { parameters: ['pointer', 'i32'], result: 'pointer' },
  rd_kafka_queue_io_event_enable: { parameters: ['pointer', 'i32', 'pointer', 'usize'], result: 'void' },
  rd_kafka_event_type: { parameters: ['pointer'], result: 'i32' },
  rd_kafka_event_message_array: { parameters: ['pointer', 'buffer', 'usize'], result: 'usize' },
  rd_kafka_event_stats: { parameters: ['pointer'], result: 'pointer' },
  rd_kafka_event_error: { parameters: ['pointer'], result: 'i32' },
  rd_kafka_event_error_string: { parameters: ['pointer'], result: 'pointer' },
  rd_kafka_event_error_is_fatal: { parameters: ['pointer'], result: 'i32' },
  rd_kafka_event_destroy: { parameters: ['pointer'], result: 'void' },
  rd_kafka_metadata: { parameters: ['pointer', 'i32', 'pointer', 'buffer', 'i32'], result: 'i32', nonblocking: true },
  rd_kafka_metadata_destroy: { parameters: ['pointer'], result: 'void' },
} as const

const LIBC = {
  pipe2: { parameters: ['buffer', 'i32'], result: 'i32' },
  close: { parameters: ['i32'], result: 'i32' },
} as const

/** The C calls as this module uses them (Deno's own typing of dlopen is not in the project's types). */
export interface Rdk {
  rd_kafka_version_str(): DenoPointer
  rd_kafka_err2name(code: number): DenoPointer
  rd_kafka_err2str(code: number): DenoPointer
  rd_kafka_conf_new(): DenoPointer
  rd_kafka_conf_set(conf: DenoPointer, key: Uint8Array, value: Uint8Array, err: Uint8Array, size: number): number
  rd_kafka_conf_set_events(conf: DenoPointer, events: number): void
  rd_kafka_conf_destroy(conf: DenoPointer): void
  rd_kafka_new(type: number, conf: DenoPointer, err: Uint8Array, size: number): DenoPointer
  rd_kafka_destroy(rk: DenoPointer): void
  rd_kafka_topic_new(rk: DenoPointer, name: Uint8Array, conf: DenoPointer): DenoPointer
  rd_kafka_topic_destroy(rkt: DenoPointer): void
  rd_kafka_produceva(rk: DenoPointer, vus: DenoPointer, count: number): DenoPointer
  rd_kafka_error_code(error: DenoPointer): number
  rd_kafka_error_string(error: DenoPointer): DenoPointer
  rd_kafka_error_destroy(error: DenoPointer): void
  rd_kafka_outq_len(rk: DenoPointer): number
  rd_kafka_queue_get_main(rk: DenoPointer): DenoPointer
  rd_kafka_queue_destroy(queue: DenoPointer): void
  rd_kafka_queue_poll(queue: DenoPointer, timeoutMs: number): DenoPointer
  rd_kafka_queue_io_event_enable(queue: DenoPointer, fd: number, payload: DenoPointer, size: number): void
  rd_kafka_event_type(ev: DenoPointer): number
  rd_kafka_event_message_array(ev: DenoPointer, out: BigUint64Array, size: number): number | bigint
  rd_kafka_event_stats(ev: DenoPointer): DenoPointer
  rd_kafka_event_error(ev: DenoPointer): number
  rd_kafka_event_error_string(ev: DenoPointer): DenoPointer
  rd_kafka_event_error_is_fatal(ev: DenoPointer): number
  rd_kafka_event_destroy(ev: DenoPointer): void
  rd_kafka_metadata(rk: DenoPointer, all: number, rkt: DenoPointer, out: BigUint64Array, ms: number): Promise<number>
  rd_kafka_metadata_destroy(md: DenoPointer): void
}
export interface Libc {
  pipe2(fds: Int32Array, flags: number): number
  close(fd: number): number
}

let opened: { rd: Rdk; libc?: Libc } | undefined

/** The library and libc, opened once per process (no libc: no wake-ups). */
export function open(): { rd: Rdk; libc?: Libc } {
  if (opened) return opened
  const d = deno()
  const rd = d.dlopen(librdkafkaPath(), SYMBOLS).symbols as unknown as Rdk
  let libc: Libc | undefined
  try {
    libc = d.dlopen('libc.so.6', LIBC).symbols as unknown as Libc
  } catch {
    // no glibc by that name: the pipeline polls on a timer instead of being woken
  }
  opened = { rd, libc }
  return opened
}

export function cString(d: DenoApi, p: DenoPointer): string {
  return p ? d.UnsafePointerView.getCString(p) : ''
}

export function makeConf(rd: Rdk, properties: Record<string, string>, events: number): DenoPointer {
  const conf = rd.rd_kafka_conf_new()
  const errstr = new Uint8Array(512)
  for (const [key, value] of Object.entries(properties)) {
    const res = rd.rd_kafka_conf_set(conf, cstr(key), cstr(value), errstr, errstr.length)
    if (res !== RD.CONF_OK) {
      rd.rd_kafka_conf_destroy(conf)
      throw new KafkaConfigError(
        `${key}=${isSecretProperty(key) ? REDACTED : value}: ${cstringOf(errstr)}`,
        res === -2 ? 'CONF_UNKNOWN' : 'CONF_INVALID',
        res,
      )
    }
  }
  rd.rd_kafka_conf_set_events(conf, events)
  return conf
}

/** A producer on `settings` (events: delivery reports, errors, stats) and its topic handle. */
export function newProducer(
  rd: Rdk,
  { settings, bootstrap, topic }: { settings: Record<string, string>; bootstrap: string; topic: string },
): { rk: DenoPointer; rkt: DenoPointer } {
  const conf = makeConf(
    rd,
    { ...settings, 'bootstrap.servers': bootstrap },
    RD.EVENT_DR | RD.EVENT_ERROR | RD.EVENT_STATS,
  )
  const errstr = new Uint8Array(512)
  const rk = rd.rd_kafka_new(RD.PRODUCER, conf, errstr, errstr.length)
  if (!rk) {
    // rd_kafka_new leaves conf to the caller when it fails
    rd.rd_kafka_conf_destroy(conf)
    throw new KafkaConfigError(cstringOf(errstr), 'CONF_INVALID')
  }
  const rkt = rd.rd_kafka_topic_new(rk, cstr(topic), null)
  if (!rkt) {
    rd.rd_kafka_destroy(rk)
    throw new KafkaError(`cannot create topic handle ${topic}`, 'TOPIC')
  }
  return { rk, rkt }
}
