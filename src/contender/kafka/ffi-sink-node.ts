/**
 * @module kafka/ffi-sink-node
 * The node-tuned contender's sink: librdkafka's C API through Node's own FFI (node:ffi, in the
 * pinned Node since 26.1; no addon to compile, no package to install), the Bun sink's design on
 * the same runtime-neutral parts (ffi-producer.ts, produce-vector.ts): one rd_kafka_produceva per
 * message from a preallocated vector (RD_KAFKA_MSG_F_COPY), events (delivery reports, stats,
 * errors) served on the JS thread from the main queue, and the JS thread woken by the queue's
 * io-event pipe, read as a net.Socket on libuv's loop. Pointers are bigints here.
 */
import { dlopen, getInt32, getRawPointer, getUint64, toString } from 'node:ffi'
import { Socket } from 'node:net'
import { librdkafkaPath } from '../../librdkafka/c-api.ts'
import { FfiProducer, type FfiCalls, type Wakeups } from './ffi-producer.ts'
import { DR_BATCH, VU_COUNT } from './produce-vector.ts'
import {
  LIBC,
  newProducer,
  PIPE_FLAGS,
  requestMetadata,
  SYMBOLS,
  type Libc,
  type Rdk,
  type Signature,
} from './rdkafka-calls.ts'
import type { Sink, SinkOptions } from './sink.ts'

type Pointer = bigint
const WAKE_BYTE = new Uint8Array([1])

/** Deno's notation in Node's: `arguments`/`return`, size_t as u64; Node has no nonblocking calls. */
function nodeSignatures(table: Record<string, Signature>) {
  const type = (t: string) => (t === 'usize' ? 'u64' : t)
  return Object.fromEntries(
    Object.entries(table).map(([name, s]) => [
      name,
      { arguments: s.parameters.map(type), return: type(s.result) } as { arguments: 'pointer'[]; return: 'pointer' },
    ]),
  )
}

let opened: { rd: Rdk<Pointer>; libc?: Libc } | undefined

/** The library and libc, opened once per process (no libc: no wake-ups). */
function open(): { rd: Rdk<Pointer>; libc?: Libc } {
  if (opened) return opened
  const rd = dlopen(librdkafkaPath(), nodeSignatures(SYMBOLS)).functions as unknown as Rdk<Pointer>
  let libc: Libc | undefined
  try {
    libc = dlopen('libc.so.6', nodeSignatures(LIBC)).functions as unknown as Libc
  } catch {
    // no glibc by that name: the pipeline polls on a timer instead of being woken
  }
  opened = { rd, libc }
  return opened
}

const cString = (p: Pointer): string => (p ? (toString(p) ?? '') : '')

/**
 * Wake-ups instead of a poll timer, as on Bun: librdkafka writes one byte to a non-blocking pipe
 * when the main queue goes from empty to non-empty, libuv reads it (the read end as a net.Socket)
 * and `onWake` serves the queue. Undefined where the pipe cannot be made.
 */
function wakeups(rd: Rdk<Pointer>, libc: Libc | undefined, queue: Pointer, onWake: () => void): Wakeups | undefined {
  if (!libc) return undefined
  const fds = new Int32Array(2)
  if (libc.pipe2(fds, PIPE_FLAGS) !== 0) return undefined
  const [readFd, writeFd] = [fds[0]!, fds[1]!]
  const reader = new Socket({ fd: readFd, readable: true, writable: false })
  reader.on('data', () => onWake())
  // a failed pipe stops the wake-ups; flush and close still serve the queue themselves
  reader.on('error', () => reader.destroy())
  // librdkafka copies the payload
  rd.rd_kafka_queue_io_event_enable(queue, writeFd, getRawPointer(WAKE_BYTE), 1)
  return {
    stop() {
      rd.rd_kafka_queue_io_event_enable(queue, -1, null, 0)
      libc.close(writeFd)
      // closes the read end
      reader.destroy()
    },
  }
}

/** The producer's C calls through node:ffi. */
function nodeCalls(rd: Rdk<Pointer>, o: SinkOptions): FfiCalls<Pointer> & { queue: Pointer } {
  const errName = (code: number) => cString(rd.rd_kafka_err2name(code))
  const { rk, rkt } = newProducer(rd, o)
  const queue = rd.rd_kafka_queue_get_main(rk)
  let vectorAt: Pointer | undefined
  return {
    queue,
    librdkafkaVersion: cString(rd.rd_kafka_version_str()),
    errName,
    addressOf: (bytes) => Number(getRawPointer(bytes)),
    topicAddress: Number(rkt),
    produceva(vector) {
      // the vector's ArrayBuffer is allocated off V8's heap: its address never changes
      vectorAt ??= BigInt(vector.address)
      const error = rd.rd_kafka_produceva(rk, vectorAt, VU_COUNT)
      if (!error) return undefined
      const code = rd.rd_kafka_error_code(error)
      const message = cString(rd.rd_kafka_error_string(error))
      rd.rd_kafka_error_destroy(error)
      return { code, message }
    },
    nextEvent: () => rd.rd_kafka_queue_poll(queue, 0) || null,
    eventType: (event) => rd.rd_kafka_event_type(event),
    deliveries: (event) => ({
      fill: (out) => Number(rd.rd_kafka_event_message_array(event, out, DR_BATCH)),
      i32: (msg, offset) => getInt32(BigInt(msg), offset),
      pointer: (msg, offset) => Number(getUint64(BigInt(msg), offset)),
    }),
    eventStats: (event) => cString(rd.rd_kafka_event_stats(event)),
    eventError(event) {
      const code = rd.rd_kafka_event_error(event)
      const fatal = rd.rd_kafka_event_error_is_fatal(event) ? 'fatal ' : ''
      return `${fatal}${errName(code)}: ${cString(rd.rd_kafka_event_error_string(event))}`
    },
    eventDestroy: (event) => rd.rd_kafka_event_destroy(event),
    outqLen: () => rd.rd_kafka_outq_len(rk),
    // a blocking call (node:ffi has no other kind), made once before the first WebSocket as on Bun
    checkBroker: (timeoutMs) => requestMetadata(rd, rk, timeoutMs, { cString, pointerAt: (address) => address }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    destroy() {
      rd.rd_kafka_queue_destroy(queue)
      rd.rd_kafka_topic_destroy(rkt)
      rd.rd_kafka_destroy(rk)
    },
  }
}

export function librdkafkaVersion(): string {
  return cString(open().rd.rd_kafka_version_str())
}

export function createNodeFfiSink(o: SinkOptions): Sink {
  const { rd, libc } = open()
  const calls = nodeCalls(rd, o)
  const producer = new FfiProducer(calls, o)
  return producer.sink(wakeups(rd, libc, calls.queue, producer.poll))
}
