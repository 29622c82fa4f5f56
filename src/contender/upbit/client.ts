/**
 * @module upbit/client
 * The WebSocket side of a contender: opens the planned connections in paced batches, subscribes
 * each to its codes, pings every `pingIntervalMs`, and reconnects with backoff (at most
 * `maxRetries` attempts per drop; a successful resubscribe resets the count). Uses the WHATWG
 * WebSocket both runtimes provide (Bun's own; Node's undici behind --experimental-websocket).
 * https://docs.upbit.com/reference/connection
 */
import { backoffDelay } from './backoff.ts'
import type { PlannedConnection } from './plan.ts'

export interface ClientOptions {
  url: string
  ticketPrefix: string
  pingIntervalMs: number
  maxRetries: number
  backoffBaseMs: number
  /** frames, in arrival order; `data` is an ArrayBuffer (binary) or a string (text) */
  onFrame: (data: ArrayBuffer | string) => void
  onLog: (line: string) => void
}

export interface ClientStats {
  opened: number
  reconnects: number
  failed: number
  rateLimited: number
  disconnectedMs: number
  /** µs from `new WebSocket` to open, one per successful open */
  connectUs: number[]
}

type Socket = WebSocket & { ping?: () => void }

class Connection {
  private socket?: Socket
  private pingTimer?: ReturnType<typeof setInterval>
  private retryTimer?: ReturnType<typeof setTimeout>
  private attempts = 0
  private droppedAt = 0
  private closing = false
  subscribed = false
  gaveUp = false

  constructor(
    readonly plan: PlannedConnection,
    private readonly options: ClientOptions,
    private readonly stats: ClientStats,
    private readonly onReady: () => void,
  ) {}

  open(): void {
    const started = performance.now()
    let opened = false
    const socket = new WebSocket(this.options.url) as Socket
    socket.binaryType = 'arraybuffer'
    this.socket = socket
    socket.onopen = () => {
      opened = true
      this.stats.connectUs.push(Math.round((performance.now() - started) * 1000))
      this.stats.opened++
      socket.send(
        JSON.stringify([
          { ticket: `${this.options.ticketPrefix}-${this.plan.index}` },
          { type: 'ticker', codes: this.plan.codes },
          { format: 'DEFAULT' },
        ]),
      )
      if (this.droppedAt > 0) {
        this.stats.disconnectedMs += Date.now() - this.droppedAt
        this.droppedAt = 0
      }
      this.attempts = 0
      this.startPing()
      if (!this.subscribed) {
        this.subscribed = true
        this.onReady()
      }
    }
    socket.onmessage = (event) => this.options.onFrame(event.data as ArrayBuffer | string)
    // one retry per socket: Bun fires error then close; Node 20's undici may fire only error for
    // a refused handshake
    let settled = false
    const lost = (why: string, refused: boolean) => {
      this.stopPing()
      if (settled || this.closing) return
      settled = true
      this.retry(why, refused)
    }
    socket.onerror = (event) => {
      const message = (event as ErrorEvent).message ?? ''
      // a refused handshake (Upbit answers 429 to connection floods) never opens
      const tooMany = /429|Too Many/i.test(message)
      if (!opened && tooMany) this.stats.rateLimited++
      if (!opened && !tooMany) this.options.onLog(`connection ${this.plan.index}: ${message || 'error'}`)
      if (!opened) lost(`refused (${message || 'error'})`, true)
    }
    socket.onclose = (event) => {
      const rateLimited = !opened && !settled && /429|Too Many/i.test(event.reason)
      if (rateLimited) this.stats.rateLimited++
      lost(`closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`, rateLimited || !opened)
    }
  }

  private retry(why: string, refused: boolean): void {
    if (this.droppedAt === 0) this.droppedAt = Date.now()
    if (this.attempts >= this.options.maxRetries) {
      this.gaveUp = true
      this.stats.failed++
      this.options.onLog(`connection ${this.plan.index} ${why}; gave up after ${this.attempts} retries`)
      if (!this.subscribed) {
        this.subscribed = true
        this.onReady()
      }
      return
    }
    this.attempts++
    this.stats.reconnects++
    // a handshake that never opened is treated like a 429: back off harder
    const delay = backoffDelay(this.attempts, this.options.backoffBaseMs, refused)
    this.options.onLog(`connection ${this.plan.index} ${why}; retry ${this.attempts}/${this.options.maxRetries} in ${delay} ms`)
    this.retryTimer = setTimeout(() => this.open(), delay)
  }

  private startPing(): void {
    this.stopPing()
    this.pingTimer = setInterval(() => {
      const socket = this.socket
      if (!socket || socket.readyState !== WebSocket.OPEN) return
      // a protocol ping frame where the client can send one (Bun), else Upbit's text PING
      if (typeof socket.ping === 'function') socket.ping()
      else socket.send('PING')
    }, this.options.pingIntervalMs)
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer)
    this.pingTimer = undefined
  }

  close(): void {
    this.closing = true
    this.stopPing()
    if (this.retryTimer) clearTimeout(this.retryTimer)
    if (this.droppedAt > 0) this.stats.disconnectedMs += Date.now() - this.droppedAt
    this.droppedAt = 0
    this.socket?.close()
  }
}

/** Opens every planned connection on its schedule; `ready` resolves when each is subscribed or given up. */
export class UpbitClient {
  readonly stats: ClientStats = { opened: 0, reconnects: 0, failed: 0, rateLimited: 0, disconnectedMs: 0, connectUs: [] }
  private readonly connections: Connection[] = []
  private readonly timers: ReturnType<typeof setTimeout>[] = []
  readonly ready: Promise<void>

  constructor(plan: PlannedConnection[], options: ClientOptions) {
    // Node 20 has no Promise.withResolvers
    let resolve!: () => void
    const promise = new Promise<void>((r) => (resolve = r))
    this.ready = promise
    let waiting = plan.length
    if (waiting === 0) resolve()
    const onReady = () => {
      if (--waiting === 0) resolve()
    }
    for (const planned of plan) {
      const connection = new Connection(planned, options, this.stats, onReady)
      this.connections.push(connection)
      this.timers.push(setTimeout(() => connection.open(), planned.openAtMs))
    }
  }

  get live(): number {
    return this.connections.filter((c) => c.subscribed && !c.gaveUp).length
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer)
    for (const connection of this.connections) connection.close()
  }
}
