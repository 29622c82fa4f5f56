/**
 * @module feed/test-client
 * What the feed's tests talk to it with: a real WebSocket client that keeps every frame, a raw
 * HTTP/1.1 upgrade over node:net (to read the handshake's headers, which no WebSocket API shows),
 * and a feed started and stopped around a test body.
 */
import { connect, type Socket } from 'node:net'
import { startFeed, type Feed, type FeedOptions } from './server.ts'

const decoder = new TextDecoder()
/** Bun's client takes an options object; the global type seen here declares only the protocols overload. */
const BunWebSocket = WebSocket as unknown as new (url: string, options: Bun.WebSocketOptions) => WebSocket

/** A real client that keeps every frame it gets, as bytes, with whether it came as binary. */
export class Client {
  readonly frames: Array<{ bytes: Uint8Array; binary: boolean; at: number }> = []
  closed = false
  closeCode = 0
  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer'
    ws.onmessage = (e) => {
      const binary = typeof e.data !== 'string'
      this.frames.push({
        bytes: binary ? new Uint8Array(e.data as ArrayBuffer) : new TextEncoder().encode(e.data as string),
        binary,
        at: Date.now(),
      })
    }
    ws.onclose = (e) => {
      this.closed = true
      this.closeCode = e.code
    }
  }

  /** `deflate: false` makes Bun's client not offer permessage-deflate (it offers it by default). */
  static open(url: string, options: { deflate?: boolean } = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new BunWebSocket(url, { perMessageDeflate: options.deflate ?? true })
      const client = new Client(ws)
      ws.onopen = () => resolve(client)
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`))
    })
  }

  send(request: unknown): void {
    this.ws.send(typeof request === 'string' ? request : JSON.stringify(request))
  }

  /** A ping frame (Bun's client has ping(); the global type seen here does not declare it). */
  ping(): void {
    ;(this.ws as unknown as { ping(): void }).ping()
  }

  texts(): string[] {
    return this.frames.map((f) => decoder.decode(f.bytes))
  }

  json(): any[] {
    return this.texts().map((t) => JSON.parse(t))
  }

  async waitFor(count: number, timeoutMs = 3000): Promise<void> {
    await waitUntil(() => this.frames.length >= count, timeoutMs)
  }

  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    return waitUntil(() => this.closed, timeoutMs)
  }

  close(): void {
    this.ws.close()
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (!condition() && Date.now() < end) await Bun.sleep(10)
  return condition()
}

export const subscribe = (codes: string[], extra: Record<string, unknown> = {}, format?: string, type = 'ticker') => [
  { ticket: 'test' },
  { type, codes, ...extra },
  ...(format ? [{ format }] : []),
]

export async function withFeed(options: FeedOptions, body: (feed: Feed) => Promise<void>): Promise<void> {
  const feed = await startFeed({ port: 0, seed: 42, ...options })
  try {
    await body(feed)
  } finally {
    await feed.stop()
  }
}

/** A WebSocket upgrade by hand: the status code and response headers (lower-case names), then the socket is closed. */
export async function rawUpgrade(
  wsUrl: string,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string> }> {
  const raw = await RawSocket.open(wsUrl, extraHeaders)
  raw.close()
  return { status: raw.status, headers: raw.headers }
}

/**
 * A WebSocket client by hand over node:net, for what no WebSocket API shows: the handshake's
 * response headers, and each server frame's first byte (FIN, RSV1 = compressed, opcode).
 */
export class RawSocket {
  status = 0
  headers: Record<string, string> = {}
  /** First byte of every server frame after the handshake (only whole frames are parsed; enough for small tests). */
  readonly frameHeads: number[] = []
  private buffer = Buffer.alloc(0)
  private upgraded = false

  private constructor(private readonly socket: Socket) {}

  static open(wsUrl: string, extraHeaders: Record<string, string> = {}): Promise<RawSocket> {
    const url = new URL(wsUrl)
    return new Promise((resolve, reject) => {
      const raw = new RawSocket(connect(Number(url.port), url.hostname))
      raw.socket.on('error', reject)
      raw.socket.on('connect', () => {
        const headers = {
          Host: url.host,
          Upgrade: 'websocket',
          Connection: 'Upgrade',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version': '13',
          ...extraHeaders,
        }
        raw.socket.write(
          `GET ${url.pathname} HTTP/1.1\r\n${Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('')}\r\n`,
        )
      })
      raw.socket.on('data', (chunk: Buffer) => {
        raw.buffer = Buffer.concat([raw.buffer, chunk])
        if (!raw.upgraded && raw.readHandshake()) resolve(raw)
        if (raw.upgraded) raw.readFrames()
      })
    })
  }

  /** A masked text frame, as a client must send. */
  sendText(text: string): void {
    const payload = Buffer.from(text)
    const mask = Buffer.from([1, 2, 3, 4])
    const length =
      payload.length < 126
        ? Buffer.from([0x80 | payload.length])
        : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 255])
    this.socket.write(Buffer.concat([Buffer.from([0x81]), length, mask, payload.map((b, i) => b ^ mask[i & 3]!)]))
  }

  close(): void {
    this.socket.destroy()
  }

  private readHandshake(): boolean {
    const end = this.buffer.indexOf('\r\n\r\n')
    if (end < 0) return false
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n')
    for (const line of lines) {
      const colon = line.indexOf(':')
      this.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    this.status = Number(statusLine!.split(' ')[1])
    this.buffer = this.buffer.subarray(end + 4)
    this.upgraded = true
    return true
  }

  private readFrames(): void {
    while (this.buffer.length >= 2) {
      let length = this.buffer[1]! & 0x7f
      let offset = 2
      if (length === 126) [length, offset] = [this.buffer.readUInt16BE(2), 4]
      else if (length === 127) [length, offset] = [Number(this.buffer.readBigUInt64BE(2)), 10]
      if (this.buffer.length < offset + length) return
      this.frameHeads.push(this.buffer[0]!)
      this.buffer = this.buffer.subarray(offset + length)
    }
  }
}
