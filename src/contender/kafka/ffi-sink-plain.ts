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
 * The per-message path, built the same on Deno (ffi-sink-plain-deno.ts), is plain-producer.ts:
 * rd_kafka_produceva (the docs' variadic rd_kafka_producev in the form an FFI can declare) from a
 * vector built afresh for each message. What is Bun's own is here: its C calls and the
 * JSCallbacks. None of the tuned sink's work (ffi-sink.ts) is here: no preallocated vector, no
 * io-event pipe, no bulk walk of delivery reports.
 */
import { CString, JSCallback, ptr, read, type Pointer } from 'bun:ffi'
import type { Sink, SinkOptions } from './sink.ts'
import { checkBroker, librdkafkaVersion } from './ffi-sink.ts'
import { plainReports, plainSink, ENTRIES } from './plain-producer.ts'
import { errName, makeClient, makeConf, RD, rdk } from '../../librdkafka/bindings.ts'

/** The docs' three callbacks as bun:ffi JSCallbacks, called only from rd_kafka_poll/flush on this thread. */
function callbacks(o: SinkOptions) {
  const reports = plainReports(o, errName)
  const delivery = new JSCallback(
    (_rk: Pointer, message: Pointer) =>
      reports.delivery(read.i32(message, RD.MSG.err), read.ptr(message, RD.MSG.opaque)),
    { args: ['ptr', 'ptr', 'ptr'], returns: 'void' },
  )
  const stats = new JSCallback(
    (_rk: Pointer, json: Pointer, length: number | bigint) => {
      reports.stats(String(new CString(json, 0, Number(length))))
      // 0: librdkafka frees the JSON
      return 0
    },
    { args: ['ptr', 'ptr', 'usize', 'ptr'], returns: 'i32' },
  )
  const error = new JSCallback(
    (_rk: Pointer, err: number, reason: Pointer) => reports.error(err, String(new CString(reason))),
    { args: ['ptr', 'i32', 'ptr', 'ptr'], returns: 'void' },
  )
  return [delivery, stats, error] as const
}

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
  return plainSink(
    {
      librdkafkaVersion: librdkafkaVersion(),
      errName,
      addressOf: (bytes) => ptr(bytes),
      produceva(vector) {
        const failure = c.rd_kafka_produceva(rk, ptr(vector), ENTRIES)
        if (!failure) return undefined
        const code = c.rd_kafka_error_code(failure)
        const message = String(c.rd_kafka_error_string(failure))
        c.rd_kafka_error_destroy(failure)
        return { code, message }
      },
      poll: (timeoutMs) => c.rd_kafka_poll(rk, timeoutMs),
      flush: (timeoutMs) => c.rd_kafka_flush(rk, timeoutMs),
      outqLen: () => c.rd_kafka_outq_len(rk),
      checkBroker: (timeoutMs) => checkBroker(rk, timeoutMs),
      sleep: (ms) => Bun.sleep(ms),
      destroy() {
        c.rd_kafka_destroy(rk)
        // after the destroy: nothing can call them any more
        closeCallbacks()
      },
    },
    o,
  )
}
