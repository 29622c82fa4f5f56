/**
 * @module bench/broker/wire
 * Just enough of the Kafka wire protocol for readiness probes with no client library: request
 * framing (header v1 for the classic encodings, v2 for the "flexible" ones), one request/response
 * exchange on a socket, and a reader for the response fields, including the unsigned varints and
 * tagged-field sections of flexible responses.
 * Wire format: https://kafka.apache.org/protocol#protocol_messages
 */
import { connect, type Socket } from 'node:net'

const CLIENT_ID = Buffer.from('upbit-kafka-bench-probe')

function uvarint(n: number): Buffer {
  const bytes: number[] = []
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  bytes.push(n)
  return Buffer.from(bytes)
}

/** A request frame; `flexible` adds the (empty) tagged-field section of request header v2. */
export function request(
  apiKey: number,
  version: number,
  correlationId: number,
  body: Buffer,
  flexible = false,
): Buffer {
  const header = Buffer.alloc(2 + 2 + 4 + 2)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(version, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(CLIENT_ID.length, 8)
  const parts = [header, CLIENT_ID, ...(flexible ? [uvarint(0)] : []), body]
  const size = Buffer.alloc(4)
  size.writeInt32BE(
    parts.reduce((n, b) => n + b.length, 0),
    0,
  )
  return Buffer.concat([size, ...parts])
}

/** Flexible encodings: a compact string and a compact array length (n + 1 as an unsigned varint). */
export const compact = {
  string: (s: string) => Buffer.concat([uvarint(Buffer.byteLength(s) + 1), Buffer.from(s)]),
  arrayLength: (n: number) => uvarint(n + 1),
  noTags: () => uvarint(0),
}

/** Sends one request and resolves with the response after its size and correlation id. */
export function exchange(socket: Socket, frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let acc = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      acc = Buffer.concat([acc, chunk])
      if (acc.length < 4) return
      const size = acc.readInt32BE(0)
      if (acc.length < 4 + size) return
      socket.off('data', onData)
      socket.off('error', reject)
      resolve(acc.subarray(8, 4 + size))
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.write(frame)
  })
}

/** Opens host:port, runs `talk`, and always closes; the whole exchange is bounded by timeoutMs. */
export async function withConnection<T>(
  host: string,
  port: number,
  timeoutMs: number,
  talk: (socket: Socket) => Promise<T>,
): Promise<T> {
  const socket = connect({ host, port })
  const timer = setTimeout(
    () => socket.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
    timeoutMs,
  )
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return await talk(socket)
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
}

/** Sequential reader over a response body. */
export class Reader {
  at = 0
  constructor(readonly buf: Buffer) {}
  i16() {
    const v = this.buf.readInt16BE(this.at)
    this.at += 2
    return v
  }
  i32() {
    const v = this.buf.readInt32BE(this.at)
    this.at += 4
    return v
  }
  i64() {
    const v = this.buf.readBigInt64BE(this.at)
    this.at += 8
    return v
  }
  uvarint() {
    let value = 0
    for (let shift = 0; ; shift += 7) {
      const b = this.buf.readUInt8(this.at++)
      value += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return value
    }
  }
  /** classic nullable string: int16 length, -1 = null */
  string(): string | null {
    const n = this.i16()
    if (n < 0) return null
    const s = this.buf.toString('utf8', this.at, this.at + n)
    this.at += n
    return s
  }
  compactString(): string | null {
    const n = this.uvarint() - 1
    if (n < 0) return null
    const s = this.buf.toString('utf8', this.at, this.at + n)
    this.at += n
    return s
  }
  /** element count of a compact array (-1 = null) */
  compactArray(): number {
    return this.uvarint() - 1
  }
  /** skips a tagged-field section: count, then (tag, size, bytes) each */
  skipTags() {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint()
      this.at += this.uvarint()
    }
  }
}

export const API = { METADATA: 3, API_VERSIONS: 18, DESCRIBE_QUORUM: 55 } as const

/** ApiVersions v0 (every broker answers it): the [min, max] version of each API key. */
export async function apiVersions(socket: Socket, correlationId = 1): Promise<Map<number, [number, number]>> {
  const r = new Reader(await exchange(socket, request(API.API_VERSIONS, 0, correlationId, Buffer.alloc(0))))
  const errorCode = r.i16()
  if (errorCode !== 0) throw new Error(`ApiVersions answered error code ${errorCode}`)
  const ranges = new Map<number, [number, number]>()
  for (let n = r.i32(); n > 0; n--) ranges.set(r.i16(), [r.i16(), r.i16()])
  return ranges
}
