/**
 * @module kafka/deno-rdkafka
 * librdkafka's C API as the Deno sink calls it (ffi-sink-deno.ts), opened once with Deno.dlopen
 * from the symbol table the V8 runtimes share (rdkafka-calls.ts, with the producer built from
 * properties). Pointers are objects here (an address is read with UnsafePointer.value) and a C
 * string is read with UnsafePointerView.
 */
import { deno, type DenoApi, type DenoPointer } from '../deno-api.ts'
import { librdkafkaPath } from '../../librdkafka/c-api.ts'
import { LIBC, requestMetadata, SYMBOLS, type Libc, type Rdk as Calls } from './rdkafka-calls.ts'

/** The C calls as this module's caller uses them, on Deno's pointers. */
export type Rdk = Calls<DenoPointer>
export type { Libc } from './rdkafka-calls.ts'
export { newProducer } from './rdkafka-calls.ts'

let opened: { rd: Rdk; libc?: Libc } | undefined

/** The library and libc, opened once per process (no libc: no wake-ups). */
export function open(): { rd: Rdk; libc?: Libc } {
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

export function cString(d: DenoApi, p: DenoPointer): string {
  return p ? d.UnsafePointerView.getCString(p) : ''
}

/** rd_kafka_produceva's result as the sinks take it: undefined when accepted, else its code and message (the error freed). */
export function produceFailure(d: DenoApi, rd: Rdk, error: DenoPointer): { code: number; message: string } | undefined {
  if (!error) return undefined
  const code = rd.rd_kafka_error_code(error)
  const message = cString(d, rd.rd_kafka_error_string(error))
  rd.rd_kafka_error_destroy(error)
  return { code, message }
}

/** The startup's metadata check on `rk`, a nonblocking call (on a thread of Deno's): the JS thread never waits on the broker, and no callback runs. */
export function checkBroker(d: DenoApi, rd: Rdk, rk: DenoPointer, timeoutMs: number): Promise<void> {
  return requestMetadata(rd, rk, timeoutMs, {
    cString: (p) => cString(d, p),
    pointerAt: (address) => d.UnsafePointer.create(address),
  })
}
