/**
 * @module upbit/ws-sync-inflate
 * permessage-deflate inflated on the JS thread, synchronously, for the `ws` client of node-tuned.
 * ws inflates each message through an asynchronous zlib stream: a hop to libuv's thread pool and
 * back per message. Profiled on node-tuned that path was the JS thread's top cost centre (about
 * three quarters of its samples), and measured alone it costs ~54 µs of CPU per ticker where the
 * same inflate done synchronously costs ~0.6-1 µs (docs/performance.md, node tuned). Node has no
 * public synchronous streaming inflate (zlib.inflateRawSync cannot keep the sliding window across
 * messages; passing it as a dictionary costs ~36 µs), so this module uses two internals, each
 * checked when it is installed so that a Node or ws release that changes them fails the start,
 * never a message: zlib's handle `writeSync` (what Node's own zlib.*Sync functions drive) and ws's
 * `Receiver#decompress` (ws is pinned to one version in package.json). Everything else stays
 * ws's: frame parsing, the maxPayload bound (checked while inflating, so a small frame cannot
 * inflate past it), UTF-8 validation, close codes 1009 and 1007.
 */
import zlib from 'node:zlib'
// ws/wrapper.mjs exports it (not typed by @types/ws); the CommonJS entry hangs it on the WebSocket class
import * as ws from 'ws'

/** what Node's zlib streams keep internally and their synchronous functions drive */
interface ZlibInternals {
  _handle: {
    writeSync(
      flush: number,
      input: Buffer,
      inOff: number,
      inLen: number,
      out: Buffer,
      outOff: number,
      outLen: number,
    ): void
  } | null
  _writeState: Uint32Array
}

/** the parts of ws's Receiver this module replaces decompress() on */
interface ReceiverInternals {
  _extensions: Record<string, { params: Record<string, unknown>; [SYNC]?: SyncInflate } | undefined>
  _fin: boolean
  _maxPayload: number
  _messageLength: number
  _fragments: Buffer[]
  createError(ctor: ErrorConstructor, message: string, prefix: boolean, status: number, code: string): Error
  dataMessage(cb: (error?: Error) => void): void
}

const SYNC = Symbol('sync-inflate')
const EXTENSION = 'permessage-deflate'
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff])
const CHUNK = 16 * 1024

export class InflateLimitError extends Error {
  override name = 'InflateLimitError'
}

/** One connection's inflate state (the server's sliding window when it takes context over). */
export class SyncInflate {
  private readonly stream: ZlibInternals & zlib.InflateRaw
  private error: Error | undefined
  private out = Buffer.allocUnsafe(CHUNK)
  private outAt = 0

  constructor(windowBits: number) {
    this.stream = zlib.createInflateRaw({ windowBits }) as unknown as ZlibInternals & zlib.InflateRaw
    // zlib reports a corrupt stream by emitting 'error' during writeSync
    this.stream.on('error', (error: Error) => (this.error = error))
    if (typeof this.stream._handle?.writeSync !== 'function' || !(this.stream._writeState instanceof Uint32Array))
      throw new Error(`ws-sync-inflate: Node ${process.versions.node}'s zlib has no handle.writeSync/_writeState`)
  }

  /** Inflates one frame's payload (plus the trailer at a message's end); throws past `limit` bytes or on corrupt data. */
  run(data: Buffer, fin: boolean, limit: number): Buffer[] {
    const parts: Buffer[] = []
    let total = 0
    for (const input of fin ? [data, TRAILER] : [data]) {
      let inAt = 0
      let inLeft = input.length
      for (;;) {
        const handle = this.stream._handle
        if (!handle) throw this.error ?? new Error('inflate closed')
        const outLeft = this.out.length - this.outAt
        handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inAt, inLeft, this.out, this.outAt, outLeft)
        if (this.error) throw this.error
        const [outAfter, inAfter] = [this.stream._writeState[0]!, this.stream._writeState[1]!]
        const produced = outLeft - outAfter
        if (produced > 0) {
          total += produced
          if (total > limit) throw new InflateLimitError('Max payload size exceeded')
          parts.push(this.out.subarray(this.outAt, this.outAt + produced))
          this.outAt += produced
        }
        // the parts handed out keep their bytes: later output goes to a fresh buffer
        if (outAfter === 0 || this.outAt >= this.out.length) {
          this.out = Buffer.allocUnsafe(CHUNK)
          this.outAt = 0
        }
        if (outAfter !== 0) break
        inAt += inLeft - inAfter
        inLeft = inAfter
      }
    }
    return parts
  }

  reset(): void {
    this.stream.reset()
  }
}

/** ws's decompress, done synchronously: what its callback did, without re-entering the parse loop it is called from. */
function decompress(this: ReceiverInternals, data: Buffer, cb: (error?: Error) => void): void {
  const pmd = this._extensions[EXTENSION]!
  const windowBits = typeof pmd.params.server_max_window_bits === 'number' ? pmd.params.server_max_window_bits : 15
  const inflate = (pmd[SYNC] ??= new SyncInflate(windowBits))
  let parts: Buffer[]
  try {
    parts = inflate.run(data, this._fin, this._maxPayload > 0 ? this._maxPayload - this._messageLength : Infinity)
  } catch (error) {
    cb(
      error instanceof InflateLimitError
        ? this.createError(RangeError, error.message, false, 1009, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        : this.createError(
            Error,
            (error as Error).message,
            true,
            1007,
            (error as { code?: string }).code ?? 'Z_DATA_ERROR',
          ),
    )
    return
  }
  for (const part of parts) {
    this._messageLength += part.length
    this._fragments.push(part)
  }
  if (this._fin && pmd.params.server_no_context_takeover) inflate.reset()
  // the message event fires here, as ws fires it after an inflate; the parse loop this call came from goes on
  this.dataMessage(cb)
}

let installed = false

/** Makes every ws client of this process inflate synchronously; throws when ws's Receiver is not the one this was written for. */
export function installSyncInflate(): void {
  if (installed) return
  const receiver = (ws as unknown as { Receiver?: { prototype: Record<string, unknown> } }).Receiver?.prototype
  if (!receiver || ['decompress', 'dataMessage', 'createError'].some((name) => typeof receiver[name] !== 'function'))
    throw new Error('ws-sync-inflate: this ws has no Receiver#decompress/dataMessage/createError to replace')
  receiver.decompress = decompress
  installed = true
}
