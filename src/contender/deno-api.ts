/**
 * @module deno-api
 * The few parts of Deno's namespace the deno contender uses (FFI, a file read, its version),
 * typed here so the project's one tsc checks the Deno modules without Deno's own lib (which
 * would clash with Bun's and Node's types). Only the deno contender's modules import it.
 */

/** A native pointer as Deno hands it over: an opaque object, null for NULL. */
export type DenoPointer = object | null

export type NativeType = 'i32' | 'u32' | 'i64' | 'u64' | 'usize' | 'pointer' | 'buffer' | 'void'
export interface ForeignFunction {
  parameters: readonly NativeType[]
  result: NativeType
  /** run on a thread of its own, the call returning a promise (a blocking C call off the JS thread) */
  nonblocking?: boolean
}

interface PointerView {
  getInt32(offset?: number): number
  getBigUint64(offset?: number): bigint
}

export interface DenoApi {
  version: { deno: string }
  dlopen<S extends Record<string, ForeignFunction>>(
    path: string,
    symbols: S,
  ): { symbols: Record<keyof S, (...args: unknown[]) => unknown>; close(): void }
  UnsafePointer: {
    of(buffer: ArrayBuffer | ArrayBufferView): DenoPointer
    value(pointer: DenoPointer): number | bigint
    create(address: bigint): DenoPointer
  }
  UnsafePointerView: {
    new (pointer: object): PointerView
    getCString(pointer: object, offset?: number): string
    getArrayBuffer(pointer: object, byteLength: number, offset?: number): ArrayBuffer
  }
  /** a C function pointer calling `callback` on the JS thread (only from C calls made on it) */
  UnsafeCallback: new (
    definition: { parameters: readonly NativeType[]; result: NativeType },
    // Deno hands each argument over as its type says: a pointer object, a number, a bigint
    callback: (...args: never[]) => unknown,
  ) => { readonly pointer: DenoPointer; close(): void }
  open(
    path: string,
    options: { read: boolean },
  ): Promise<{ read(into: Uint8Array): Promise<number | null>; close(): void }>
}

/** Deno's namespace; throws when this is not Deno. */
export function deno(): DenoApi {
  const api = (globalThis as { Deno?: DenoApi }).Deno
  if (!api) throw new Error('deno-api: not running on Deno')
  return api
}
