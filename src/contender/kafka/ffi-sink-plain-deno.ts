/**
 * @module kafka/ffi-sink-plain-deno
 * The as-shipped `deno` contender's sink. Deno cannot load the mainstream binding
 * (@confluentinc/kafka-javascript is a legacy nan addon; Deno loads only Node-API addons), so,
 * as for Bun, its as-shipped row is the producer librdkafka's own documentation shows, written
 * with Deno.dlopen the way a Deno user who follows it would: plain-producer.ts's per-message path
 * (rd_kafka_produceva from a vector built for each message, rd_kafka_poll(rk, 0) after every
 * produce and on the pipeline's timer) with the docs' delivery-report, statistics and error
 * callbacks registered as Deno.UnsafeCallbacks, which rd_kafka_poll and rd_kafka_flush run on the
 * JS thread. What is Deno's own is here: its C calls (the symbol table the V8 runtimes share,
 * deno-rdkafka.ts) and its callbacks. None of deno-tuned's work (ffi-sink-deno.ts): no
 * preallocated vector, no io-event pipe, no bulk walk of delivery reports.
 */
import { deno, type DenoApi, type DenoPointer } from '../deno-api.ts'
import { RD } from '../../librdkafka/c-api.ts'
import { checkBroker, cString, open, produceFailure, type Rdk } from './deno-rdkafka.ts'
import { ENTRIES, plainReports, plainSink } from './plain-producer.ts'
import { makeConf, newClient } from './rdkafka-calls.ts'
import type { Sink, SinkOptions } from './sink.ts'

const decoder = new TextDecoder()

/** The docs' three callbacks as Deno.UnsafeCallbacks, called only from rd_kafka_poll/flush on this thread. */
function callbacks(d: DenoApi, o: SinkOptions, errName: (code: number) => string) {
  const reports = plainReports(o, errName)
  const delivery = new d.UnsafeCallback(
    { parameters: ['pointer', 'pointer', 'pointer'], result: 'void' },
    (_rk: DenoPointer, message: DenoPointer) => {
      const view = new d.UnsafePointerView(message!)
      reports.delivery(view.getInt32(RD.MSG.err), Number(view.getBigUint64(RD.MSG.opaque)))
    },
  )
  const stats = new d.UnsafeCallback(
    { parameters: ['pointer', 'pointer', 'usize', 'pointer'], result: 'i32' },
    (_rk: DenoPointer, json: DenoPointer, length: number | bigint) => {
      reports.stats(decoder.decode(d.UnsafePointerView.getArrayBuffer(json!, Number(length))))
      // 0: librdkafka frees the JSON
      return 0
    },
  )
  const error = new d.UnsafeCallback(
    { parameters: ['pointer', 'i32', 'pointer', 'pointer'], result: 'void' },
    (_rk: DenoPointer, err: number, reason: DenoPointer) => reports.error(err, cString(d, reason)),
  )
  return [delivery, stats, error] as const
}

export function createPlainDenoFfiSink(o: SinkOptions): Sink {
  const d = deno()
  const { rd }: { rd: Rdk } = open()
  const errName = (code: number) => cString(d, rd.rd_kafka_err2name(code))
  const address = (p: DenoPointer) => Number(d.UnsafePointer.value(p))
  // a property librdkafka rejects throws here, before any callback exists
  const conf = makeConf(rd, { ...o.settings, 'bootstrap.servers': o.bootstrap })
  const [delivery, stats, error] = callbacks(d, o, errName)
  const closeCallbacks = () => [delivery, stats, error].forEach((cb) => cb.close())
  rd.rd_kafka_conf_set_dr_msg_cb(conf, delivery.pointer)
  rd.rd_kafka_conf_set_stats_cb(conf, stats.pointer)
  rd.rd_kafka_conf_set_error_cb(conf, error.pointer)
  let rk: DenoPointer
  try {
    rk = newClient(rd, conf)
  } catch (failure) {
    closeCallbacks()
    throw failure
  }
  return plainSink(
    {
      librdkafkaVersion: cString(d, rd.rd_kafka_version_str()),
      errName,
      addressOf: (bytes) => address(d.UnsafePointer.of(bytes)),
      produceva: (vector) => produceFailure(d, rd, rd.rd_kafka_produceva(rk, d.UnsafePointer.of(vector), ENTRIES)),
      poll: (timeoutMs) => rd.rd_kafka_poll(rk, timeoutMs),
      flush: (timeoutMs) => rd.rd_kafka_flush(rk, timeoutMs),
      outqLen: () => rd.rd_kafka_outq_len(rk),
      checkBroker: (timeoutMs) => checkBroker(d, rd, rk, timeoutMs),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      destroy() {
        rd.rd_kafka_destroy(rk)
        // after the destroy: nothing can call them any more
        closeCallbacks()
      },
    },
    o,
  )
}
