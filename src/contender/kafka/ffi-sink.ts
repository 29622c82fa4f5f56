/**
 * @module kafka/ffi-sink
 * The Bun contender's sink: librdkafka's C API through bun:ffi (the Node binding's addon cannot
 * load on Bun). Messages go out with rd_kafka_produceva (key, value, opaque = seq, headers `seq`,
 * `contender` and `phase`, RD_KAFKA_MSG_F_COPY so nothing JS owns is referenced after the call). Delivery
 * reports, stats and errors arrive as events on the main queue and are served by `poll()` on the
 * JS thread: librdkafka's threads never call into JS. The JS thread learns that the queue has
 * something the way librdkafka offers to event loops: rd_kafka_queue_io_event_enable writes a byte
 * to a pipe when the queue turns non-empty, and Bun's event loop reads the pipe (`wakeups`).
 */
import { dlopen, FFIType, ptr, read, type Pointer } from 'bun:ffi'
import type { Phase, Sink, SinkOptions } from './sink.ts'
import { KafkaError } from '../../librdkafka/errors.ts'
import {
  cstr,
  errName,
  librdkafkaPath,
  makeClient,
  makeConf,
  RD,
  rdk,
  requestMetadata,
} from '../../librdkafka/bindings.ts'

/** rd_kafka_event_message_array fills at most this many message pointers per call */
const DR_BATCH = 4096
/** the seq header holds a decimal number; 20 digits covers 2^64 */
const SEQ_DIGITS = 20

let wakeCalls:
  | {
      ioEventEnable: (queue: Pointer, fd: number, payload: Pointer | null, size: number) => void
      pipe2: (fds: Pointer, flags: number) => number
      close: (fd: number) => number
    }
  | undefined

/** O_NONBLOCK | O_CLOEXEC (Linux): librdkafka's write must never block, and Bun reads it from its event loop */
const PIPE_FLAGS = 0o4000 | 0o2000000
const WAKE_BYTE = new Uint8Array([1])

/**
 * Wake-ups instead of a poll timer: librdkafka writes one byte to a non-blocking pipe when the
 * main queue goes from empty to non-empty (at most one per period between two polls), Bun's
 * event loop reads the pipe and `onWake` serves the queue. Undefined where the pipe cannot be
 * made (then the pipeline polls on a timer).
 */
function wakeups(queue: Pointer, onWake: () => void): { stop(): void } | undefined {
  try {
    wakeCalls ??= (() => {
      const { symbols: rd } = dlopen(librdkafkaPath(), {
        rd_kafka_queue_io_event_enable: {
          args: [FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.u64],
          returns: FFIType.void,
        },
      })
      const { symbols: libc } = dlopen('libc.so.6', {
        pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
        close: { args: [FFIType.i32], returns: FFIType.i32 },
      })
      return { ioEventEnable: rd.rd_kafka_queue_io_event_enable, pipe2: libc.pipe2, close: libc.close }
    })()
  } catch {
    return undefined
  }
  const calls = wakeCalls
  const fds = new Int32Array(2)
  if (calls.pipe2(ptr(fds), PIPE_FLAGS) !== 0) return undefined
  const [readFd, writeFd] = [fds[0]!, fds[1]!]
  // librdkafka copies the payload
  calls.ioEventEnable(queue, writeFd, ptr(WAKE_BYTE), 1)
  const reader = Bun.file(readFd).stream().getReader()
  void (async () => {
    try {
      for (;;) {
        const { done } = await reader.read()
        if (done) break
        onWake()
      }
    } catch {
      // the pipe failed: nothing more to read
    } finally {
      // Bun leaves the descriptor open when its stream ends
      calls.close(readFd)
    }
  })()
  return {
    stop() {
      calls.ioEventEnable(queue, -1, null, 0)
      // end of file for the reader, which then closes its end
      calls.close(writeFd)
    },
  }
}

export function librdkafkaVersion(): string {
  return String(rdk().rd_kafka_version_str())
}

export function createFfiSink(o: SinkOptions): Sink {
  const c = rdk()
  const conf = makeConf(
    { ...o.settings, 'bootstrap.servers': o.bootstrap },
    RD.EVENT_DR | RD.EVENT_ERROR | RD.EVENT_STATS,
  )
  const rk = makeClient(RD.PRODUCER, conf)
  const topicName = cstr(o.topic)
  const rkt = c.rd_kafka_topic_new(rk, topicName, null)
  if (!rkt) {
    c.rd_kafka_destroy(rk)
    throw new KafkaError(`cannot create topic handle ${o.topic}`, 'TOPIC')
  }
  const queue = c.rd_kafka_queue_get_main(rk)!

  // One scratch buffer holds the rd_kafka_vu_t array reused by every produce and the bytes its
  // header entries point at: small typed arrays of their own may be moved by the GC after ptr()
  // was taken (seen here: a stale seq header), a single larger buffer stays put.
  const VU_COUNT = 8
  const SEQ_AT = RD.VU_SIZE * VU_COUNT
  const SEQ_NAME_AT = SEQ_AT + 32
  const CONTENDER_NAME_AT = SEQ_NAME_AT + 16
  const CONTENDER_AT = CONTENDER_NAME_AT + 16
  const PHASE_NAME_AT = CONTENDER_AT + 64
  const PHASE_AT: Record<Phase, number> = { warmup: PHASE_NAME_AT + 16, window: PHASE_NAME_AT + 32 }
  const contenderBytes = new TextEncoder().encode(o.contender)
  if (contenderBytes.length > 64) throw new KafkaError(`contender name too long: ${o.contender}`, 'INVALID_ARG')
  const vus = new ArrayBuffer(4096)
  const vuView = new DataView(vus)
  const vuPtr = ptr(vus)
  const scratch = new Uint8Array(vus)
  scratch.set(cstr('seq'), SEQ_NAME_AT)
  scratch.set(cstr('contender'), CONTENDER_NAME_AT)
  scratch.set(contenderBytes, CONTENDER_AT)
  scratch.set(cstr('phase'), PHASE_NAME_AT)
  for (const phase of ['warmup', 'window'] as const) scratch.set(new TextEncoder().encode(phase), PHASE_AT[phase])
  const seqDigits = new Uint8Array(vus, SEQ_AT, SEQ_DIGITS)
  const seqDigitsPtr = vuPtr + SEQ_AT
  const slot = (i: number, vtype: number) => {
    vuView.setInt32(i * RD.VU_SIZE, vtype, true)
    return i * RD.VU_SIZE + 8
  }
  // 64-bit little-endian stores as two 32-bit halves: no BigInt per message
  const setPtr = (offset: number, p: number) => {
    vuView.setUint32(offset, p >>> 0, true)
    vuView.setUint32(offset + 4, Math.floor(p / 0x1_0000_0000), true)
  }
  slot(0, RD.VTYPE.RKT)
  setPtr(8, rkt as number)
  const VALUE = slot(1, RD.VTYPE.VALUE)
  const KEY = slot(2, RD.VTYPE.KEY)
  const OPAQUE = slot(3, RD.VTYPE.OPAQUE)
  const FLAGS = slot(4, RD.VTYPE.MSGFLAGS)
  vuView.setInt32(FLAGS, RD.MSG_F_COPY, true)
  const SEQ_HEADER = slot(5, RD.VTYPE.HEADER)
  setPtr(SEQ_HEADER, vuPtr + SEQ_NAME_AT)
  setPtr(SEQ_HEADER + 8, seqDigitsPtr)
  const CONTENDER_HEADER = slot(6, RD.VTYPE.HEADER)
  setPtr(CONTENDER_HEADER, vuPtr + CONTENDER_NAME_AT)
  setPtr(CONTENDER_HEADER + 8, vuPtr + CONTENDER_AT)
  setPtr(CONTENDER_HEADER + 16, contenderBytes.length)
  const PHASE_HEADER = slot(7, RD.VTYPE.HEADER)
  setPtr(PHASE_HEADER, vuPtr + PHASE_NAME_AT)
  // both values are six bytes long; produce() only points the header at one or the other
  setPtr(PHASE_HEADER + 16, 6)

  const drMessages = new BigUint64Array(DR_BATCH)
  const drMessagesPtr = ptr(drMessages)
  let closed = false

  const writeSeq = (seq: number): number => {
    let n = seq
    let i = SEQ_DIGITS
    do {
      seqDigits[--i] = 48 + (n % 10)
      n = Math.floor(n / 10)
    } while (n > 0)
    // digits are right-aligned; point the header at the first one
    setPtr(SEQ_HEADER + 8, seqDigitsPtr + i)
    setPtr(SEQ_HEADER + 16, SEQ_DIGITS - i)
    return i
  }

  const serveEvent = (ev: Pointer) => {
    switch (c.rd_kafka_event_type(ev)) {
      case RD.EVENT_DR: {
        let n: number
        do {
          n = Number(c.rd_kafka_event_message_array(ev, drMessagesPtr, DR_BATCH))
          for (let i = 0; i < n; i++) {
            const msg = Number(drMessages[i]) as Pointer
            const err = read.i32(msg, RD.MSG.err)
            const seq = Number(read.ptr(msg, RD.MSG.opaque))
            o.onDelivery(seq, err === RD.ERR_NO_ERROR ? undefined : errName(err))
          }
        } while (n === DR_BATCH)
        break
      }
      case RD.EVENT_STATS:
        o.onStats(String(c.rd_kafka_event_stats(ev)))
        break
      case RD.EVENT_ERROR: {
        const code = c.rd_kafka_event_error(ev)
        const fatal = c.rd_kafka_event_error_is_fatal(ev) ? 'fatal ' : ''
        o.onError(`${fatal}${errName(code)}: ${c.rd_kafka_event_error_string(ev)}`)
        break
      }
    }
    c.rd_kafka_event_destroy(ev)
  }

  const poll = (): number => {
    if (closed) return 0
    let served = 0
    for (let ev = c.rd_kafka_queue_poll(queue, 0); ev; ev = c.rd_kafka_queue_poll(queue, 0)) {
      serveEvent(ev as Pointer)
      served++
    }
    return served
  }

  const wake = wakeups(queue as Pointer, poll)

  return {
    librdkafkaVersion: librdkafkaVersion(),
    settings: o.settings,
    servesItself: wake !== undefined,
    produce(key: Uint8Array, value: Uint8Array, seq: number, phase: Phase): boolean {
      setPtr(VALUE, ptr(value))
      setPtr(VALUE + 8, value.byteLength)
      setPtr(KEY, ptr(key))
      setPtr(KEY + 8, key.byteLength)
      setPtr(OPAQUE, seq)
      writeSeq(seq)
      setPtr(PHASE_HEADER + 8, vuPtr + PHASE_AT[phase])
      const error = c.rd_kafka_produceva(rk, vuPtr, VU_COUNT)
      if (!error) return true
      const code = c.rd_kafka_error_code(error)
      const message = String(c.rd_kafka_error_string(error))
      c.rd_kafka_error_destroy(error)
      if (code === RD.ERR_QUEUE_FULL) return false
      throw new KafkaError(`produce to ${o.topic}: ${message}`, errName(code), code)
    },
    poll,
    outqLen(): number {
      return closed ? 0 : c.rd_kafka_outq_len(rk)
    },
    async flush(timeoutMs: number): Promise<number> {
      // rd_kafka_flush would wait for someone else to serve the DR queue; this thread is that someone
      const deadline = performance.now() + timeoutMs
      while (c.rd_kafka_outq_len(rk) > 0 && performance.now() < deadline) {
        poll()
        await Bun.sleep(1)
      }
      poll()
      return c.rd_kafka_outq_len(rk)
    },
    async checkBroker(timeoutMs: number): Promise<void> {
      try {
        requestMetadata(rk, timeoutMs)
      } catch (error) {
        throw new KafkaError(
          `no broker answered a metadata request within ${timeoutMs} ms (${(error as Error).message})`,
          (error as KafkaError).errName ?? 'METADATA',
        )
      } finally {
        poll()
      }
    },
    close(): void {
      if (closed) return
      wake?.stop()
      poll()
      closed = true
      c.rd_kafka_queue_destroy(queue)
      c.rd_kafka_topic_destroy(rkt)
      c.rd_kafka_destroy(rk)
    },
  }
}
