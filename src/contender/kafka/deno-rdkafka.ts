/**
 * @module kafka/deno-rdkafka
 * librdkafka's C API as the Deno sink calls it (ffi-sink-deno.ts), opened once with Deno.dlopen
 * from the symbol table the V8 runtimes share (rdkafka-calls.ts, with the producer built from
 * properties). Pointers are objects here (an address is read with UnsafePointer.value) and a C
 * string is read with UnsafePointerView.
 */
import { deno, type DenoApi, type DenoPointer } from '../deno-api.ts'
import { librdkafkaPath } from '../../librdkafka/c-api.ts'
import { LIBC, SYMBOLS, type Libc, type Rdk as Calls } from './rdkafka-calls.ts'

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
