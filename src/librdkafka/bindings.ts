/**
 * @module librdkafka/bindings
 * The C API of the project's one librdkafka build, opened with bun:ffi. Only non-variadic calls
 * (produceva, not producev) and only events or callbacks served on the JS thread (by its own
 * poll/flush calls): callbacks from librdkafka's own threads into JS are unsafe. Struct offsets are for x86-64/arm64 LP64 and are checked
 * against rdkafka.h 2.15.1 (see comments at each).
 */
import { dlopen, FFIType, ptr, read, type Pointer } from 'bun:ffi'
import { KafkaConfigError, KafkaError } from './errors.ts'
import { cstr, cstringOf, librdkafkaPath, RD } from './c-api.ts'
import { isSecretProperty, REDACTED } from '../contract/redact.ts'

const { i32, ptr: p, cstring, u64: usize, u64_fast: usizeOut, void: v } = FFIType

const symbols = {
  rd_kafka_version_str: { args: [], returns: cstring },
  rd_kafka_err2name: { args: [i32], returns: cstring },
  rd_kafka_err2str: { args: [i32], returns: cstring },
  rd_kafka_conf_new: { args: [], returns: p },
  rd_kafka_conf_set: { args: [p, p, p, p, usize], returns: i32 },
  rd_kafka_conf_set_events: { args: [p, i32], returns: v },
  rd_kafka_conf_destroy: { args: [p], returns: v },
  rd_kafka_new: { args: [i32, p, p, usize], returns: p },
  rd_kafka_destroy: { args: [p], returns: v },
  rd_kafka_topic_new: { args: [p, p, p], returns: p },
  rd_kafka_topic_destroy: { args: [p], returns: v },
  rd_kafka_produceva: { args: [p, p, usize], returns: p },
  // the callback style librdkafka's docs show (the as-shipped bun sink): callbacks run inside poll/flush
  rd_kafka_conf_set_dr_msg_cb: { args: [p, p], returns: v },
  rd_kafka_conf_set_stats_cb: { args: [p, p], returns: v },
  rd_kafka_conf_set_error_cb: { args: [p, p], returns: v },
  rd_kafka_poll: { args: [p, i32], returns: i32 },
  rd_kafka_flush: { args: [p, i32], returns: i32 },
  rd_kafka_error_code: { args: [p], returns: i32 },
  rd_kafka_error_string: { args: [p], returns: cstring },
  rd_kafka_error_destroy: { args: [p], returns: v },
  rd_kafka_outq_len: { args: [p], returns: i32 },
  rd_kafka_queue_get_main: { args: [p], returns: p },
  rd_kafka_queue_new: { args: [p], returns: p },
  rd_kafka_queue_destroy: { args: [p], returns: v },
  rd_kafka_queue_poll: { args: [p, i32], returns: p },
  rd_kafka_queue_io_event_enable: { args: [p, i32, p, usize], returns: v },
  rd_kafka_event_type: { args: [p], returns: i32 },
  rd_kafka_event_message_array: { args: [p, p, usize], returns: usizeOut },
  rd_kafka_event_stats: { args: [p], returns: cstring },
  rd_kafka_event_error: { args: [p], returns: i32 },
  rd_kafka_event_error_string: { args: [p], returns: cstring },
  rd_kafka_event_error_is_fatal: { args: [p], returns: i32 },
  rd_kafka_event_destroy: { args: [p], returns: v },
  rd_kafka_metadata: { args: [p, i32, p, p, i32], returns: i32 },
  rd_kafka_metadata_destroy: { args: [p], returns: v },
  // consumer
  rd_kafka_poll_set_consumer: { args: [p], returns: i32 },
  rd_kafka_consumer_poll: { args: [p, i32], returns: p },
  rd_kafka_consumer_close: { args: [p], returns: i32 },
  rd_kafka_message_destroy: { args: [p], returns: v },
  rd_kafka_message_headers: { args: [p, p], returns: i32 },
  rd_kafka_header_get_all: { args: [p, usize, p, p, p], returns: i32 },
  rd_kafka_topic_partition_list_new: { args: [i32], returns: p },
  rd_kafka_topic_partition_list_add: { args: [p, p, i32], returns: p },
  rd_kafka_topic_partition_list_destroy: { args: [p], returns: v },
  rd_kafka_assign: { args: [p, p], returns: i32 },
  rd_kafka_query_watermark_offsets: { args: [p, p, i32, p, p, i32], returns: i32 },
  // admin
  rd_kafka_NewTopic_new: { args: [p, i32, i32, p, usize], returns: p },
  rd_kafka_NewTopic_destroy: { args: [p], returns: v },
  rd_kafka_NewTopic_set_config: { args: [p, p, p], returns: i32 },
  rd_kafka_AdminOptions_new: { args: [p, i32], returns: p },
  rd_kafka_AdminOptions_set_operation_timeout: { args: [p, i32, p, usize], returns: i32 },
  rd_kafka_AdminOptions_destroy: { args: [p], returns: v },
  rd_kafka_CreateTopics: { args: [p, p, usize, p, p], returns: v },
  rd_kafka_event_CreateTopics_result: { args: [p], returns: p },
  rd_kafka_CreateTopics_result_topics: { args: [p, p], returns: p },
  rd_kafka_topic_result_error: { args: [p], returns: i32 },
  rd_kafka_topic_result_error_string: { args: [p], returns: cstring },
} as const

export { cstr, cstringOf, librdkafkaPath, RD } from './c-api.ts'

let lib: ReturnType<typeof dlopen<typeof symbols>>['symbols'] | undefined

/** The C functions, opened once per process. */
export function rdk() {
  lib ??= dlopen(librdkafkaPath(), symbols).symbols
  return lib
}

export function errName(code: number): string {
  return String(rdk().rd_kafka_err2name(code))
}

export function errString(code: number): string {
  return String(rdk().rd_kafka_err2str(code))
}

/**
 * rd_kafka_conf from properties; a rejected property throws with librdkafka's own message,
 * which names the property and the value.
 */
export function makeConf(properties: Record<string, string>, events = 0): Pointer {
  const c = rdk()
  const conf = c.rd_kafka_conf_new()!
  const errstr = new Uint8Array(512)
  for (const [key, value] of Object.entries(properties)) {
    const res = c.rd_kafka_conf_set(conf, cstr(key), cstr(value), errstr, errstr.length)
    if (res !== RD.CONF_OK) {
      c.rd_kafka_conf_destroy(conf)
      throw new KafkaConfigError(
        `${key}=${isSecretProperty(key) ? REDACTED : value}: ${cstringOf(errstr)}`,
        res === -2 ? 'CONF_UNKNOWN' : 'CONF_INVALID',
        res,
      )
    }
  }
  if (events) c.rd_kafka_conf_set_events(conf, events)
  return conf as Pointer
}

/** rd_kafka_new; takes ownership of conf (also on failure, where librdkafka leaves it to us). */
export function makeClient(type: number, conf: Pointer): Pointer {
  const c = rdk()
  const errstr = new Uint8Array(512)
  const rk = c.rd_kafka_new(type, conf, errstr, errstr.length)
  if (!rk) {
    c.rd_kafka_conf_destroy(conf)
    throw new KafkaConfigError(cstringOf(errstr), 'CONF_INVALID')
  }
  return rk as Pointer
}

/** Metadata request within the timeout; returns the partition count of `topic` if given. */
export function requestMetadata(rk: Pointer, timeoutMs: number, rkt?: Pointer): number {
  const c = rdk()
  const out = new BigUint64Array(1)
  const err = c.rd_kafka_metadata(rk, 0, rkt ?? null, ptr(out), timeoutMs)
  if (err !== RD.ERR_NO_ERROR) throw new KafkaError(`metadata request failed: ${errString(err)}`, errName(err), err)
  const md = Number(out[0]) as Pointer
  try {
    // rd_kafka_metadata_t: int broker_cnt @0, brokers @8, int topic_cnt @16, topics @24
    const topicCnt = read.i32(md, 16)
    if (!rkt || topicCnt < 1) return 0
    // rd_kafka_metadata_topic_t: char *topic @0, int partition_cnt @8, partitions @16, err @24
    const topics = read.ptr(md, 24) as Pointer
    const topicErr = read.i32(topics, 24)
    if (topicErr !== 0) throw new KafkaError(`topic metadata: ${errString(topicErr)}`, errName(topicErr), topicErr)
    return read.i32(topics, 8)
  } finally {
    c.rd_kafka_metadata_destroy(md)
  }
}
