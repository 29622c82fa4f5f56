/**
 * @module kafka/ffi-sink-deno
 * The Deno contender's sink: librdkafka's C API through Deno.dlopen, the same design as the Bun
 * sink (ffi-sink.ts) with the same runtime-neutral parts (produce-vector.ts): one
 * rd_kafka_produceva per message from a preallocated vector (RD_KAFKA_MSG_F_COPY), events
 * (delivery reports, stats, errors) served on the JS thread from the main queue, and the JS
 * thread woken by the queue's io-event pipe. What is Deno's own: pointers are objects (an address
 * is read with UnsafePointer.value), a C string is read with UnsafePointerView, and the pipe is
 * read through /proc/self/fd with Deno.open, whose reads wait on Deno's blocking-I/O threads.
 * The metadata check runs as a nonblocking call (on a thread of Deno's) so the JS thread never
 * waits on the broker.
 */
import { deno, type DenoApi, type DenoPointer } from '../deno-api.ts'
import { cstr, cstringOf, librdkafkaPath, RD } from '../../librdkafka/c-api.ts'
import { KafkaConfigError, KafkaError } from '../../librdkafka/errors.ts'
import { isSecretProperty, REDACTED } from '../../contract/redact.ts'
import { DR_BATCH, ProduceVector, VU_COUNT, walkDeliveries, type MessageReader } from './produce-vector.ts'
import type { Phase, Sink, SinkOptions } from './sink.ts'

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
interface Rdk {
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
interface Libc {
  pipe2(fds: Int32Array, flags: number): number
  close(fd: number): number
}

let opened: { rd: Rdk; libc?: Libc } | undefined

function open(): { rd: Rdk; libc?: Libc } {
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

function cString(d: DenoApi, p: DenoPointer): string {
  return p ? d.UnsafePointerView.getCString(p) : ''
}

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

function makeConf(rd: Rdk, properties: Record<string, string>, events: number): DenoPointer {
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

export async function createDenoFfiSink(o: SinkOptions): Promise<Sink> {
  const d = deno()
  const { rd, libc } = open()
  const errName = (code: number) => cString(d, rd.rd_kafka_err2name(code))
  const address = (p: DenoPointer) => Number(d.UnsafePointer.value(p))

  const conf = makeConf(
    rd,
    { ...o.settings, 'bootstrap.servers': o.bootstrap },
    RD.EVENT_DR | RD.EVENT_ERROR | RD.EVENT_STATS,
  )
  const errstr = new Uint8Array(512)
  const rk = rd.rd_kafka_new(RD.PRODUCER, conf, errstr, errstr.length)
  if (!rk) {
    // rd_kafka_new leaves conf to the caller when it fails
    rd.rd_kafka_conf_destroy(conf)
    throw new KafkaConfigError(cstringOf(errstr), 'CONF_INVALID')
  }
  const rkt = rd.rd_kafka_topic_new(rk, cstr(o.topic), null)
  if (!rkt) {
    rd.rd_kafka_destroy(rk)
    throw new KafkaError(`cannot create topic handle ${o.topic}`, 'TOPIC')
  }
  const queue = rd.rd_kafka_queue_get_main(rk)

  const vector = new ProduceVector((buffer) => address(d.UnsafePointer.of(buffer)), address(rkt), o.contender)
  const vectorPtr = d.UnsafePointer.of(vector.bytes)
  const drMessages = new BigUint64Array(DR_BATCH)
  let event: DenoPointer = null
  const at = (msg: number) => new d.UnsafePointerView(d.UnsafePointer.create(BigInt(msg))!)
  const messages: MessageReader = {
    fill: (out) => Number(rd.rd_kafka_event_message_array(event, out as BigUint64Array, DR_BATCH)),
    i32: (msg, offset) => at(msg).getInt32(offset),
    pointer: (msg, offset) => Number(at(msg).getBigUint64(offset)),
  }
  let closed = false

  const serveEvent = (ev: DenoPointer) => {
    switch (rd.rd_kafka_event_type(ev)) {
      case RD.EVENT_DR:
        event = ev
        walkDeliveries(messages, drMessages, errName, o.onDelivery)
        event = null
        break
      case RD.EVENT_STATS:
        o.onStats(cString(d, rd.rd_kafka_event_stats(ev)))
        break
      case RD.EVENT_ERROR: {
        const code = rd.rd_kafka_event_error(ev)
        const fatal = rd.rd_kafka_event_error_is_fatal(ev) ? 'fatal ' : ''
        o.onError(`${fatal}${errName(code)}: ${cString(d, rd.rd_kafka_event_error_string(ev))}`)
        break
      }
    }
    rd.rd_kafka_event_destroy(ev)
  }

  const poll = (): number => {
    if (closed) return 0
    let served = 0
    for (let ev = rd.rd_kafka_queue_poll(queue, 0); ev; ev = rd.rd_kafka_queue_poll(queue, 0)) {
      serveEvent(ev)
      served++
    }
    return served
  }

  const wake = await wakeups(rd, libc, queue, poll)

  return {
    librdkafkaVersion: cString(d, rd.rd_kafka_version_str()),
    settings: o.settings,
    servesItself: wake !== undefined,
    produce(key: Uint8Array, value: Uint8Array, seq: number, phase: Phase): boolean {
      vector.set(
        address(d.UnsafePointer.of(key)),
        key.byteLength,
        address(d.UnsafePointer.of(value)),
        value.byteLength,
        seq,
        phase,
      )
      const error = rd.rd_kafka_produceva(rk, vectorPtr, VU_COUNT)
      if (!error) return true
      const code = rd.rd_kafka_error_code(error)
      const message = cString(d, rd.rd_kafka_error_string(error))
      rd.rd_kafka_error_destroy(error)
      if (code === RD.ERR_QUEUE_FULL) return false
      throw new KafkaError(`produce to ${o.topic}: ${message}`, errName(code), code)
    },
    poll,
    outqLen(): number {
      return closed ? 0 : rd.rd_kafka_outq_len(rk)
    },
    async flush(timeoutMs: number): Promise<number> {
      // rd_kafka_flush would wait for someone else to serve the DR queue; this thread is that someone
      const deadline = performance.now() + timeoutMs
      while (rd.rd_kafka_outq_len(rk) > 0 && performance.now() < deadline) {
        poll()
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      poll()
      return rd.rd_kafka_outq_len(rk)
    },
    async checkBroker(timeoutMs: number): Promise<void> {
      const out = new BigUint64Array(1)
      try {
        const err = await rd.rd_kafka_metadata(rk, 0, null, out, timeoutMs)
        if (err !== RD.ERR_NO_ERROR)
          throw new KafkaError(
            `no broker answered a metadata request within ${timeoutMs} ms (metadata request failed: ${cString(d, rd.rd_kafka_err2str(err))})`,
            errName(err),
            err,
          )
        rd.rd_kafka_metadata_destroy(d.UnsafePointer.create(out[0]!))
      } finally {
        poll()
      }
    },
    close(): void {
      if (closed) return
      wake?.stop()
      poll()
      closed = true
      rd.rd_kafka_queue_destroy(queue)
      rd.rd_kafka_topic_destroy(rkt)
      rd.rd_kafka_destroy(rk)
    },
  }
}
