/**
 * @module librdkafka/wakeups
 * Wake-ups instead of a poll timer, the way librdkafka offers to event loops:
 * rd_kafka_queue_io_event_enable writes one byte to a non-blocking pipe when a queue goes from
 * empty to non-empty (at most one per period between two polls), Bun's event loop reads the pipe
 * and `onWake` serves the queue. The Deno sink does the same with Deno's calls
 * (src/contender/kafka/ffi-sink-deno.ts).
 */
import { dlopen, FFIType, ptr, type Pointer } from 'bun:ffi'
import { rdk } from './bindings.ts'

/** O_NONBLOCK | O_CLOEXEC (Linux): librdkafka's write must never block, and Bun reads it from its event loop */
export const PIPE_FLAGS = 0o4000 | 0o2000000
const WAKE_BYTE = new Uint8Array([1])

let libc: { pipe2: (fds: Pointer, flags: number) => number; close: (fd: number) => number } | undefined

/** Reads the pipe until it ends, waking `onWake` per read; closes the read end after. */
function readUntilClosed(readFd: number, close: (fd: number) => number, onWake: () => void): void {
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
      close(readFd)
    }
  })()
}

/** `queue`'s wake-ups; undefined where the pipe cannot be made (then the caller polls on a timer). */
export function queueWakeups(queue: Pointer, onWake: () => void): { stop(): void } | undefined {
  try {
    libc ??= dlopen('libc.so.6', {
      pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
    }).symbols
  } catch {
    return undefined
  }
  const { pipe2, close } = libc
  const c = rdk()
  const fds = new Int32Array(2)
  if (pipe2(ptr(fds), PIPE_FLAGS) !== 0) return undefined
  const [readFd, writeFd] = [fds[0]!, fds[1]!]
  // librdkafka copies the payload
  c.rd_kafka_queue_io_event_enable(queue, writeFd, ptr(WAKE_BYTE), 1)
  readUntilClosed(readFd, close, onWake)
  return {
    stop() {
      c.rd_kafka_queue_io_event_enable(queue, -1, null, 0)
      // end of file for the reader, which then closes its end
      close(writeFd)
    },
  }
}
