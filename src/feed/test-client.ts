/**
 * @module feed/test-client
 * What the feed's tests talk to it with: a real WebSocket client that keeps every frame, a raw
 * HTTP/1.1 upgrade over node:net (to read the handshake's headers, which no WebSocket API shows),
 * and a feed started and stopped around a test body.
 */
import { connect } from 'node:net'
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
      this.frames.push({ bytes: binary ? new Uint8Array(e.data as ArrayBuffer) : new TextEncoder().encode(e.data as string), binary, at: Date.now() })
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
export function rawUpgrade(wsUrl: string, extraHeaders: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string> }> {
  const url = new URL(wsUrl)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    let text = ''
    socket.on('error', reject)
    socket.on('connect', () => {
      const headers = { Host: url.host, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...extraHeaders }
      socket.write(`GET ${url.pathname} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`)
    })
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.destroy()
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers })
    })
  })
}
