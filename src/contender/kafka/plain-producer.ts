/**
 * @module kafka/plain-producer
 * What the as-shipped FFI sinks (bun:ffi in ffi-sink-plain.ts, Deno.dlopen in
 * ffi-sink-plain-deno.ts) do alike, whatever the runtime calls C with: the producer librdkafka's
 * own documentation shows (INTRODUCTION.md, examples/producer.c). One produce call per message,
 * its rd_kafka_produceva vector built afresh for it (the docs' rd_kafka_producev is variadic,
 * which neither FFI can declare; produceva is the same call with its arguments in an array); the
 * docs' three callbacks (delivery report, statistics, error), run by rd_kafka_poll on the JS
 * thread; rd_kafka_poll(rk, 0) after every produce and on the pipeline's timer (`servesItself`
 * false). Each runtime brings its C calls (`PlainCalls`) and its callbacks, which read their
 * arguments its way and hand them to `plainReports`.
 */
import { cstr, RD } from '../../librdkafka/c-api.ts'
import { KafkaError } from '../../librdkafka/errors.ts'
import type { Phase, Sink, SinkHandlers, SinkOptions } from './sink.ts'

/** RD_KAFKA_RESP_ERR__FATAL: the error callback's code for a fatal error */
const ERR_FATAL = -150
/** topic, key, value, opaque, msgflags and the three headers */
export const ENTRIES = 8
/** rd_kafka_vu_t as 64-bit words: the vtype (an int, padded), then the union */
const VU_WORDS = RD.VU_SIZE / 8
/** where a message's seq digits follow its vu array; 20 digits hold 2^64 */
const SEQ_AT = ENTRIES * RD.VU_SIZE
const SEQ_DIGITS = 20
/** the longest rd_kafka_flush call, so the event loop runs between slices of a long flush */
const FLUSH_SLICE_MS = 100

/** librdkafka's C calls as one runtime makes them on one producer whose callbacks it registered. */
export interface PlainCalls {
  librdkafkaVersion: string
  errName(code: number): string
  /** a buffer's native address, for the vector */
  addressOf(bytes: Uint8Array | ArrayBuffer): number
  /** rd_kafka_produceva of the ENTRIES entries in `vector`: undefined when accepted, else its error */
  produceva(vector: ArrayBuffer): { code: number; message: string } | undefined
  /** rd_kafka_poll: runs the callbacks of whatever is queued; how many events it served */
  poll(timeoutMs: number): number
  /** rd_kafka_flush for at most `timeoutMs` (it runs the callbacks itself) */
  flush(timeoutMs: number): void
  outqLen(): number
  /** a metadata request within the timeout; rejects with a KafkaError naming why */
  checkBroker(timeoutMs: number): Promise<void>
  sleep(ms: number): Promise<void>
  /** rd_kafka_destroy, then the callbacks freed (nothing can call them any more) */
  destroy(): void
}

/** The bodies of the docs' three callbacks, once each runtime's callback has read its arguments. */
export function plainReports(o: SinkHandlers, errName: (code: number) => string) {
  return {
    /** rd_kafka_message_t's err and its _private, the produce call's opaque: the seq */
    delivery: (err: number, seq: number) => o.onDelivery(seq, err === RD.ERR_NO_ERROR ? undefined : errName(err)),
    stats: (json: string) => o.onStats(json),
    error: (err: number, reason: string) =>
      o.onError(err === ERR_FATAL ? `fatal: ${reason}` : `${errName(err)}: ${reason}`),
  }
}

const encoder = new TextEncoder()

/** The producer's per-message path and its Sink, over one runtime's calls. */
export function plainSink(c: PlainCalls, o: SinkOptions): Sink {
  const topic = cstr(o.topic)
  const names = { seq: cstr('seq'), contender: cstr('contender'), phase: cstr('phase') }
  const contender = encoder.encode(o.contender)
  const phases: Record<Phase, Uint8Array> = { warmup: encoder.encode('warmup'), window: encoder.encode('window') }
  let closed = false

  const poll = (): number => (closed ? 0 : c.poll(0))

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
    const of = c.addressOf
    entry(0, RD.VTYPE.TOPIC, of(topic))
    entry(1, RD.VTYPE.KEY, of(key), key.byteLength)
    entry(2, RD.VTYPE.VALUE, of(value), value.byteLength)
    entry(3, RD.VTYPE.OPAQUE, seq)
    entry(4, RD.VTYPE.MSGFLAGS, RD.MSG_F_COPY)
    entry(5, RD.VTYPE.HEADER, of(names.seq), of(bytes) + SEQ_AT, seqLength)
    entry(6, RD.VTYPE.HEADER, of(names.contender), of(contender), contender.byteLength)
    entry(7, RD.VTYPE.HEADER, of(names.phase), of(phases[phase]), phases[phase].byteLength)
    const failure = c.produceva(bytes)
    if (failure) {
      if (failure.code === RD.ERR_QUEUE_FULL) return false
      throw new KafkaError(`produce to ${o.topic}: ${failure.message}`, c.errName(failure.code), failure.code)
    }
    // examples/producer.c: serve the delivery reports after every produce, without blocking
    c.poll(0)
    return true
  }

  return {
    librdkafkaVersion: c.librdkafkaVersion,
    settings: o.settings,
    servesItself: false,
    produce,
    poll,
    outqLen: () => (closed ? 0 : c.outqLen()),
    async flush(timeoutMs) {
      // rd_kafka_flush serves the callbacks itself (no events are enabled); in slices, so the
      // event loop is not held for the whole deadline
      const deadline = performance.now() + timeoutMs
      while (c.outqLen() > 0 && performance.now() < deadline) {
        c.flush(Math.max(1, Math.min(FLUSH_SLICE_MS, Math.ceil(deadline - performance.now()))))
        await c.sleep(0)
      }
      poll()
      return c.outqLen()
    },
    async checkBroker(timeoutMs) {
      try {
        await c.checkBroker(timeoutMs)
      } finally {
        poll()
      }
    },
    close() {
      if (closed) return
      poll()
      closed = true
      c.destroy()
    },
  }
}
