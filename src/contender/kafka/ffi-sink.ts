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
import { DR_BATCH, ProduceVector, VU_COUNT, walkDeliveries, type MessageReader } from './produce-vector.ts'
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

  const vector = new ProduceVector((buffer) => ptr(buffer), rkt as number, o.contender)

  const drMessages = new BigUint64Array(DR_BATCH)
  const drMessagesPtr = ptr(drMessages)
  let closed = false

  const messages: MessageReader = {
    fill: () => Number(c.rd_kafka_event_message_array(event, drMessagesPtr, DR_BATCH)),
    i32: (msg, offset) => read.i32(msg as Pointer, offset),
    pointer: (msg, offset) => read.ptr(msg as Pointer, offset),
  }
  // the event being served, for `messages.fill`
  let event: Pointer | null = null

  const serveEvent = (ev: Pointer) => {
    switch (c.rd_kafka_event_type(ev)) {
      case RD.EVENT_DR:
        event = ev
        walkDeliveries(messages, drMessages, errName, o.onDelivery)
        event = null
        break
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
      vector.set(ptr(key), key.byteLength, ptr(value), value.byteLength, seq, phase)
      const error = c.rd_kafka_produceva(rk, vector.address as Pointer, VU_COUNT)
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
