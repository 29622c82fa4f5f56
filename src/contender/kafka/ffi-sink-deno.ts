/**
 * @module kafka/ffi-sink-deno
 * The Deno contender's sink: librdkafka's C API through Deno.dlopen (deno-rdkafka.ts), the same
 * design as the Bun sink on the same runtime-neutral parts (ffi-producer.ts, produce-vector.ts):
 * one rd_kafka_produceva per message from a preallocated vector (RD_KAFKA_MSG_F_COPY), events
 * (delivery reports, stats, errors) served on the JS thread from the main queue, and the JS thread
 * woken by the queue's io-event pipe. What is Deno's own is here: its C calls, and the pipe read
 * through /proc/self/fd with Deno.open, whose reads wait on Deno's blocking-I/O threads.
 */
import { deno, type DenoApi, type DenoPointer } from '../deno-api.ts'
import { FfiProducer, type FfiCalls } from './ffi-producer.ts'
import { checkBroker, cString, newProducer, open, produceFailure, type Libc, type Rdk } from './deno-rdkafka.ts'
import { DR_BATCH, VU_COUNT } from './produce-vector.ts'
import type { Sink, SinkOptions } from './sink.ts'

/** O_NONBLOCK | O_CLOEXEC (Linux): librdkafka's write must never block */
const PIPE_FLAGS = 0o4000 | 0o2000000
const WAKE_BYTE = new Uint8Array(8).fill(1)

/**
 * Wake-ups instead of a poll timer, as on Bun: librdkafka writes one byte to a non-blocking pipe
 * when the main queue goes from empty to non-empty, a read pending on Deno's event loop returns
 * and `onWake` serves the queue. Undefined where the pipe cannot be made or opened (then the
 * pipeline polls on a timer).
 */
async function wakeups(rd: Rdk, libc: Libc | undefined, queue: DenoPointer, onWake: () => void) {
  if (!libc) return undefined
  const d = deno()
  const fds = new Int32Array(2)
  if (libc.pipe2(fds, PIPE_FLAGS) !== 0) return undefined
  const [readFd, writeFd] = [fds[0]!, fds[1]!]
  let reader: Awaited<ReturnType<DenoApi['open']>>
  try {
    // a new, blocking, open of the pipe's read end: Deno cannot adopt a descriptor it did not open
    reader = await d.open(`/proc/self/fd/${readFd}`, { read: true })
  } catch {
    libc.close(readFd)
    libc.close(writeFd)
    return undefined
  }
  // both ends stay reachable through `reader` and writeFd
  libc.close(readFd)
  // librdkafka copies the payload
  rd.rd_kafka_queue_io_event_enable(queue, writeFd, d.UnsafePointer.of(WAKE_BYTE), 1)
  const drained = new Uint8Array(256)
  void (async () => {
    try {
      while ((await reader.read(drained)) !== null) onWake()
    } catch {
      // the pipe failed: nothing more to read
    } finally {
      reader.close()
    }
  })()
  return {
    stop() {
      rd.rd_kafka_queue_io_event_enable(queue, -1, null, 0)
      // end of file for the reader, which then closes its end
      libc.close(writeFd)
    },
  }
}

/** The producer's C calls through Deno.dlopen. */
function denoCalls(rd: Rdk, o: SinkOptions): FfiCalls<DenoPointer> & { queue: DenoPointer } {
  const d = deno()
  const errName = (code: number) => cString(d, rd.rd_kafka_err2name(code))
  const address = (p: DenoPointer) => Number(d.UnsafePointer.value(p))
  const { rk, rkt } = newProducer(rd, o)
  const queue = rd.rd_kafka_queue_get_main(rk)
  let vectorPtr: DenoPointer = null
  const at = (msg: number) => new d.UnsafePointerView(d.UnsafePointer.create(BigInt(msg))!)
  return {
    queue,
    librdkafkaVersion: cString(d, rd.rd_kafka_version_str()),
    errName,
    addressOf: (bytes) => address(d.UnsafePointer.of(bytes)),
    topicAddress: address(rkt),
    produceva(vector) {
      vectorPtr ??= d.UnsafePointer.of(vector.bytes)
      return produceFailure(d, rd, rd.rd_kafka_produceva(rk, vectorPtr, VU_COUNT))
    },
    nextEvent: () => rd.rd_kafka_queue_poll(queue, 0),
    eventType: (event) => rd.rd_kafka_event_type(event),
    deliveries: (event) => ({
      fill: (out) => Number(rd.rd_kafka_event_message_array(event, out, DR_BATCH)),
      i32: (msg, offset) => at(msg).getInt32(offset),
      pointer: (msg, offset) => Number(at(msg).getBigUint64(offset)),
    }),
    eventStats: (event) => cString(d, rd.rd_kafka_event_stats(event)),
    eventError(event) {
      const code = rd.rd_kafka_event_error(event)
      const fatal = rd.rd_kafka_event_error_is_fatal(event) ? 'fatal ' : ''
      return `${fatal}${errName(code)}: ${cString(d, rd.rd_kafka_event_error_string(event))}`
    },
    eventDestroy: (event) => rd.rd_kafka_event_destroy(event),
    outqLen: () => rd.rd_kafka_outq_len(rk),
    checkBroker: (timeoutMs) => checkBroker(d, rd, rk, timeoutMs),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    destroy() {
      rd.rd_kafka_queue_destroy(queue)
      rd.rd_kafka_topic_destroy(rkt)
      rd.rd_kafka_destroy(rk)
    },
  }
}

export async function createDenoFfiSink(o: SinkOptions): Promise<Sink> {
  const { rd, libc } = open()
  const calls = denoCalls(rd, o)
  const producer = new FfiProducer(calls, o)
  return producer.sink(await wakeups(rd, libc, calls.queue, producer.poll))
}
