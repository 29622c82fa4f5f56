/**
 * @module kafka/rdkafka-calls
 * librdkafka's C API as the FFI sinks of the V8 runtimes declare it (Deno.dlopen in
 * deno-rdkafka.ts, node:ffi in ffi-sink-node.ts), whatever the runtime opens it with: one symbol
 * table in Deno's notation (Node's is translated from it), the calls typed over the runtime's
 * pointer `P` (an object on Deno, a bigint on Node; NULL is falsy on both), libc's pipe calls for
 * the wake-ups, and a producer built from properties. No runtime-specific import here.
 */
import { cstr, cstringOf, RD } from '../../librdkafka/c-api.ts'
import { KafkaConfigError, KafkaError } from '../../librdkafka/errors.ts'
import { isSecretProperty, REDACTED } from '../../contract/redact.ts'

export type NativeType = 'i32' | 'usize' | 'pointer' | 'buffer' | 'void'
export interface Signature {
  readonly parameters: readonly NativeType[]
  readonly result: NativeType
  /** Deno: run on a thread of its own, the call returning a promise */
  readonly nonblocking?: boolean
}

export const SYMBOLS = {
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
  // the callback style librdkafka's docs show (the as-shipped deno sink): callbacks run inside poll/flush
  rd_kafka_conf_set_dr_msg_cb: { parameters: ['pointer', 'pointer'], result: 'void' },
  rd_kafka_conf_set_stats_cb: { parameters: ['pointer', 'pointer'], result: 'void' },
  rd_kafka_conf_set_error_cb: { parameters: ['pointer', 'pointer'], result: 'void' },
  rd_kafka_poll: { parameters: ['pointer', 'i32'], result: 'i32' },
  rd_kafka_flush: { parameters: ['pointer', 'i32'], result: 'i32' },
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
} as const satisfies Record<string, Signature>

export const LIBC = {
  pipe2: { parameters: ['buffer', 'i32'], result: 'i32' },
  close: { parameters: ['i32'], result: 'i32' },
} as const satisfies Record<string, Signature>

/** O_NONBLOCK | O_CLOEXEC (Linux): librdkafka's write to the wake-up pipe must never block */
export const PIPE_FLAGS = 0o4000 | 0o2000000

/** The C calls as the sinks use them, over the runtime's pointer type `P`. */
export interface Rdk<P> {
  rd_kafka_version_str(): P
  rd_kafka_err2name(code: number): P
  rd_kafka_err2str(code: number): P
  rd_kafka_conf_new(): P
  rd_kafka_conf_set(conf: P, key: Uint8Array, value: Uint8Array, err: Uint8Array, size: number): number
  rd_kafka_conf_set_events(conf: P, events: number): void
  rd_kafka_conf_destroy(conf: P): void
  rd_kafka_new(type: number, conf: P, err: Uint8Array, size: number): P
  rd_kafka_destroy(rk: P): void
  rd_kafka_topic_new(rk: P, name: Uint8Array, conf: P | null): P
  rd_kafka_topic_destroy(rkt: P): void
  rd_kafka_produceva(rk: P, vus: P, count: number): P
  rd_kafka_conf_set_dr_msg_cb(conf: P, callback: P): void
  rd_kafka_conf_set_stats_cb(conf: P, callback: P): void
  rd_kafka_conf_set_error_cb(conf: P, callback: P): void
  rd_kafka_poll(rk: P, timeoutMs: number): number
  rd_kafka_flush(rk: P, timeoutMs: number): number
  rd_kafka_error_code(error: P): number
  rd_kafka_error_string(error: P): P
  rd_kafka_error_destroy(error: P): void
  rd_kafka_outq_len(rk: P): number
  rd_kafka_queue_get_main(rk: P): P
  rd_kafka_queue_destroy(queue: P): void
  rd_kafka_queue_poll(queue: P, timeoutMs: number): P
  rd_kafka_queue_io_event_enable(queue: P, fd: number, payload: P | null, size: number): void
  rd_kafka_event_type(ev: P): number
  rd_kafka_event_message_array(ev: P, out: BigUint64Array, size: number): number | bigint
  rd_kafka_event_stats(ev: P): P
  rd_kafka_event_error(ev: P): number
  rd_kafka_event_error_string(ev: P): P
  rd_kafka_event_error_is_fatal(ev: P): number
  rd_kafka_event_destroy(ev: P): void
  /** a promise on Deno (nonblocking), the code itself on Node */
  rd_kafka_metadata(rk: P, all: number, rkt: P | null, out: BigUint64Array, ms: number): number | Promise<number>
  rd_kafka_metadata_destroy(md: P): void
}
export interface Libc {
  pipe2(fds: Int32Array, flags: number): number
  close(fd: number): number
}

/** A configuration of `properties`; `events` enabled on it when given (the callback style needs none). */
export function makeConf<P>(rd: Rdk<P>, properties: Record<string, string>, events?: number): P {
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
  if (events !== undefined) rd.rd_kafka_conf_set_events(conf, events)
  return conf
}

/** A producer on `conf`, which it then owns; a configuration librdkafka refuses throws naming why. */
export function newClient<P>(rd: Rdk<P>, conf: P): P {
  const errstr = new Uint8Array(512)
  const rk = rd.rd_kafka_new(RD.PRODUCER, conf, errstr, errstr.length)
  if (!rk) {
    // rd_kafka_new leaves conf to the caller when it fails
    rd.rd_kafka_conf_destroy(conf)
    throw new KafkaConfigError(cstringOf(errstr), 'CONF_INVALID')
  }
  return rk
}

/** A producer on `settings` (events: delivery reports, errors, stats) and its topic handle. */
export function newProducer<P>(
  rd: Rdk<P>,
  { settings, bootstrap, topic }: { settings: Record<string, string>; bootstrap: string; topic: string },
): { rk: P; rkt: P } {
  const conf = makeConf(
    rd,
    { ...settings, 'bootstrap.servers': bootstrap },
    RD.EVENT_DR | RD.EVENT_ERROR | RD.EVENT_STATS,
  )
  const rk = newClient(rd, conf)
  const rkt = rd.rd_kafka_topic_new(rk, cstr(topic), null)
  if (!rkt) {
    rd.rd_kafka_destroy(rk)
    throw new KafkaError(`cannot create topic handle ${topic}`, 'TOPIC')
  }
  return { rk, rkt }
}

/**
 * A metadata request within the timeout (the startup's broker check); rejects with a KafkaError
 * naming librdkafka's reason. `cString` reads a C string and `pointerAt` makes a pointer from an
 * address, each the runtime's way.
 */
export async function requestMetadata<P>(
  rd: Rdk<P>,
  rk: P,
  timeoutMs: number,
  { cString, pointerAt }: { cString(p: P): string; pointerAt(address: bigint): P },
): Promise<void> {
  const out = new BigUint64Array(1)
  const err = await rd.rd_kafka_metadata(rk, 0, null, out, timeoutMs)
  if (err !== RD.ERR_NO_ERROR)
    throw new KafkaError(
      `no broker answered a metadata request within ${timeoutMs} ms (metadata request failed: ${cString(rd.rd_kafka_err2str(err))})`,
      cString(rd.rd_kafka_err2name(err)),
      err,
    )
  rd.rd_kafka_metadata_destroy(pointerAt(out[0]!))
}
