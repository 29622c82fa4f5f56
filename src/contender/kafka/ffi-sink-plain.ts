/**
 * @module kafka/ffi-sink-plain
 * The as-shipped `bun` contender's sink. Bun has no mainstream librdkafka binding (the Node
 * addons do not load on it), so its as-shipped row is the producer librdkafka's own documentation
 * shows (INTRODUCTION.md, examples/producer.c), written with bun:ffi the way a Bun user who follows
 * it would: one produce call per message; a delivery-report callback registered with
 * rd_kafka_conf_set_dr_msg_cb (a bun:ffi JSCallback, called once per message); and
 * rd_kafka_poll(rk, 0) after every produce and on the pipeline's short timer (`servesItself`
 * false), which runs the callbacks on the JS thread. Statistics and errors come through the
 * docs' stats and error callbacks, served by the same poll.
 *
 * The docs' rd_kafka_producev is variadic, which bun:ffi cannot declare; rd_kafka_produceva is
 * librdkafka's form of the same call with its arguments in an rd_kafka_vu_t array, here built
 * afresh for each message (topic by name, key, value, seq as opaque, RD_KAFKA_MSG_F_COPY, headers
 * `seq`, `contender`, `phase`). None of the tuned sink's work (ffi-sink.ts) is here: no
 * preallocated vector, no io-event pipe, no bulk walk of delivery reports.
 */
import { CString, JSCallback, ptr, read, type Pointer } from 'bun:ffi'
import type { Phase, Sink, SinkOptions } from './sink.ts'
import { librdkafkaVersion } from './ffi-sink.ts'
import { KafkaError } from '../../librdkafka/errors.ts'
import { cstr, errName, makeClient, makeConf, RD, rdk, requestMetadata } from '../../librdkafka/bindings.ts'

/** RD_KAFKA_RESP_ERR__FATAL: the error callback's code for a fatal error */
const ERR_FATAL = -150
/** topic, key, value, opaque, msgflags and the three headers */
const ENTRIES = 8
/** rd_kafka_vu_t as 64-bit words: the vtype (an int, padded), then the union */
const VU_WORDS = RD.VU_SIZE / 8
/** where a message's seq digits follow its vu array; 20 digits hold 2^64 */
const SEQ_AT = ENTRIES * RD.VU_SIZE
const SEQ_DIGITS = 20
/** the longest rd_kafka_flush call, so the event loop runs between slices of a long flush */
const FLUSH_SLICE_MS = 100

/** The docs' three callbacks as bun:ffi JSCallbacks, called only from rd_kafka_poll/flush on this thread. */
function callbacks(o: SinkOptions) {
  const delivery = new JSCallback(
    (_rk: Pointer, message: Pointer) => {
      const err = read.i32(message, RD.MSG.err)
      // rd_kafka_message_t._private holds the produce call's opaque: the seq
      o.onDelivery(read.ptr(message, RD.MSG.opaque), err === RD.ERR_NO_ERROR ? undefined : errName(err))
    },
    { args: ['ptr', 'ptr', 'ptr'], returns: 'void' },
  )
  const stats = new JSCallback(
    (_rk: Pointer, json: Pointer, length: number | bigint) => {
      o.onStats(String(new CString(json, 0, Number(length))))
      // 0: librdkafka frees the JSON
      return 0
    },
    { args: ['ptr', 'ptr', 'usize', 'ptr'], returns: 'i32' },
  )
  const error = new JSCallback(
    (_rk: Pointer, err: number, reason: Pointer) => {
      const text = String(new CString(reason))
      o.onError(err === ERR_FATAL ? `fatal: ${text}` : `${errName(err)}: ${text}`)
    },
    { args: ['ptr', 'i32', 'ptr', 'ptr'], returns: 'void' },
  )
  return [delivery, stats, error] as const
}

const encoder = new TextEncoder()

export function createPlainFfiSink(o: SinkOptions): Sink {
  const c = rdk()
  // a property librdkafka rejects throws here, before any callback exists
  const conf = makeConf({ ...o.settings, 'bootstrap.servers': o.bootstrap })
  const [delivery, stats, error] = callbacks(o)
  const closeCallbacks = () => [delivery, stats, error].forEach((cb) => cb.close())
  c.rd_kafka_conf_set_dr_msg_cb(conf, delivery.ptr)
  c.rd_kafka_conf_set_stats_cb(conf, stats.ptr)
  c.rd_kafka_conf_set_error_cb(conf, error.ptr)
  let rk: Pointer
  try {
    rk = makeClient(RD.PRODUCER, conf)
  } catch (failure) {
    closeCallbacks()
    throw failure
  }
  const topic = cstr(o.topic)
  const names = { seq: cstr('seq'), contender: cstr('contender'), phase: cstr('phase') }
  const contender = Buffer.from(o.contender)
  const phases: Record<Phase, Buffer> = { warmup: Buffer.from('warmup'), window: Buffer.from('window') }
  let closed = false

  const poll = (): number => (closed ? 0 : c.rd_kafka_poll(rk, 0))

  function produce(key: Uint8Array, value: Uint8Array, seq: number, phase: Phase): boolean {
    // this message's vu array and, after it, its seq header's digits: one fresh buffer, alive
    // until the call (it is the call's argument), so no address taken here outlives its bytes
    const bytes = new ArrayBuffer(SEQ_AT + SEQ_DIGITS)
    const vus = new BigUint64Array(bytes, 0, ENTRIES * VU_WORDS)
    const seqLength = encoder.encodeInto(String(seq), new Uint8Array(bytes, SEQ_AT)).written
    const entry = (i: number, vtype: number, a: number, b = 0, d = 0) => {
      const at = i * VU_WORDS
      vus[at] = BigInt(vtype)
      vus[at + 1] = BigInt(a)
      vus[at + 2] = BigInt(b)
      vus[at + 3] = BigInt(d)
    }
    entry(0, RD.VTYPE.TOPIC, ptr(topic))
    entry(1, RD.VTYPE.KEY, ptr(key), key.byteLength)
    entry(2, RD.VTYPE.VALUE, ptr(value), value.byteLength)
    entry(3, RD.VTYPE.OPAQUE, seq)
    entry(4, RD.VTYPE.MSGFLAGS, RD.MSG_F_COPY)
    entry(5, RD.VTYPE.HEADER, ptr(names.seq), ptr(bytes) + SEQ_AT, seqLength)
    entry(6, RD.VTYPE.HEADER, ptr(names.contender), ptr(contender), contender.byteLength)
    entry(7, RD.VTYPE.HEADER, ptr(names.phase), ptr(phases[phase]), phases[phase].byteLength)
    const failure = c.rd_kafka_produceva(rk, ptr(bytes), ENTRIES)
    if (failure) {
      const code = c.rd_kafka_error_code(failure)
      const message = String(c.rd_kafka_error_string(failure))
      c.rd_kafka_error_destroy(failure)
      if (code === RD.ERR_QUEUE_FULL) return false
      throw new KafkaError(`produce to ${o.topic}: ${message}`, errName(code), code)
    }
    // examples/producer.c: serve the delivery reports after every produce, without blocking
    c.rd_kafka_poll(rk, 0)
    return true
  }

  return {
    librdkafkaVersion: librdkafkaVersion(),
    settings: o.settings,
    servesItself: false,
    produce,
    poll,
    outqLen: () => (closed ? 0 : c.rd_kafka_outq_len(rk)),
    async flush(timeoutMs) {
      // rd_kafka_flush serves the callbacks itself (no events are enabled); in slices, so the
      // event loop is not held for the whole deadline
      const deadline = performance.now() + timeoutMs
      while (c.rd_kafka_outq_len(rk) > 0 && performance.now() < deadline) {
        c.rd_kafka_flush(rk, Math.max(1, Math.min(FLUSH_SLICE_MS, Math.ceil(deadline - performance.now()))))
        await Bun.sleep(0)
      }
      poll()
      return c.rd_kafka_outq_len(rk)
    },
    async checkBroker(timeoutMs) {
      try {
        requestMetadata(rk, timeoutMs)
      } catch (failure) {
        throw new KafkaError(
          `no broker answered a metadata request within ${timeoutMs} ms (${(failure as Error).message})`,
          (failure as KafkaError).errName ?? 'METADATA',
        )
      } finally {
        poll()
      }
    },
    close() {
      if (closed) return
      poll()
      closed = true
      c.rd_kafka_destroy(rk)
      // after the destroy: nothing can call them any more
      closeCallbacks()
    },
  }
}
