/**
 * @module upbit/connection
 * One planned connection over its whole life: open (abandoned after HANDSHAKE_TIMEOUT_MS),
 * subscribe, keepalive pings, the silence watchdog, and reconnects with backoff within the retry
 * budget (retry-budget.ts). Every way an attempt can end (error, close, a refused upgrade, a
 * handshake timeout, silence, a frame refused as too large or not UTF-8) goes through `end()`, the one
 * place that decides why it dropped, counts it, and retries or gives up: runtimes fire error
 * and close in different orders and numbers (Node 20's undici fires only error on a refused
 * upgrade), and the first one wins.
 * https://docs.upbit.com/reference/connection
 */
import { backoffDelay } from './backoff.ts'
import type { PlannedConnection } from './plan.ts'
import { RetryBudget } from './retry-budget.ts'
import {
  eventMessage,
  negotiatedExtension,
  type ClientSocket,
  type FrameData,
  type RefusedFrame,
  type SocketFactory,
} from './socket.ts'
import type { ClientStats } from './stats.ts'

export interface ConnectionSettings {
  url: string
  compression: boolean
  sockets: SocketFactory
  ticket: string
  subscribe: string
  pingIntervalMs: number
  handshakeTimeoutMs: number
  /** 0 = no watchdog */
  silenceTimeoutMs: number
  maxRetries: number
  backoffBaseMs: number
  stableMs: number
  /** MAX_FRAME_BYTES: a larger message fails the connection (close 1009) */
  maxFrameBytes: number
}

export interface ConnectionEvents {
  /** every message in arrival order; returns whether it was a data frame (status and error answers are not) */
  onFrame(data: FrameData): boolean
  /** a data frame refused unread (too large, or a text frame not UTF-8), failing the connection */
  onFrameRefused(reason: RefusedFrame): void
  /** opened (+1) or dropped (−1) */
  onOpenChange(delta: 1 | -1): void
  /** subscribed for the first time, or given up: counted once for `ready` */
  onSettled(): void
  onLog(line: string): void
}

type DropCause =
  | { kind: 'refused'; status?: number; message: string }
  | { kind: 'handshake-timeout' }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'error'; message: string }
  | { kind: 'silence'; quietMs: number }
  | { kind: 'refused-frame'; reason: RefusedFrame }

interface Attempt {
  client: ClientSocket
  startedAt: number
  openedAt?: number
  lastDataAt: number
  ended: boolean
  handshakeTimer?: ReturnType<typeof setTimeout>
  silenceTimer?: ReturnType<typeof setTimeout>
  pingTimer?: ReturnType<typeof setInterval>
}

function describe(cause: DropCause): string {
  switch (cause.kind) {
    case 'refused':
      return `refused (${cause.status ?? cause.message})`
    case 'handshake-timeout':
      return 'handshake timed out'
    case 'closed':
      return `closed (${cause.code}${cause.reason ? ` ${cause.reason}` : ''})`
    case 'error':
      return `error (${cause.message || 'no message'})`
    case 'silence':
      return `silent for ${Math.round(cause.quietMs)} ms`
    case 'refused-frame':
      return cause.reason === 'too-large' ? 'failed: a frame over MAX_FRAME_BYTES' : 'failed: a text frame not UTF-8'
  }
}

export class Connection {
  /** subscribed once, or given up */
  settled = false
  gaveUp = false
  private attempt?: Attempt
  private retryTimer?: ReturnType<typeof setTimeout>
  /** wall ms of a drop after a first open, until the resubscribe: summed into disconnectedMs */
  private droppedAt = 0
  private closing = false
  private readonly budget: RetryBudget

  constructor(
    readonly plan: PlannedConnection,
    private readonly s: ConnectionSettings,
    private readonly stats: ClientStats,
    private readonly events: ConnectionEvents,
  ) {
    this.budget = new RetryBudget(s.maxRetries, s.stableMs)
  }

  open(): void {
    if (this.closing) return
    const client = this.s.sockets.open(this.s.url, this.s.compression, this.s.maxFrameBytes)
    const a: Attempt = { client, startedAt: performance.now(), lastDataAt: 0, ended: false }
    this.attempt = a
    const { socket } = client
    a.handshakeTimer = setTimeout(() => this.end(a, { kind: 'handshake-timeout' }), this.s.handshakeTimeoutMs)
    socket.onopen = () => this.opened(a)
    socket.onmessage = (event) => {
      const data = event.data as FrameData
      // a client without a size option (Bun's, under 128 MiB) hands a frame past the limit over
      // whole: it is refused here as the other clients refuse it unread
      if ((typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength) > this.s.maxFrameBytes)
        return this.end(a, { kind: 'refused-frame', reason: 'too-large' })
      if (this.events.onFrame(data)) a.lastDataAt = performance.now()
    }
    socket.onerror = (event) => {
      const refused = client.refusedFrame(event)
      if (refused) return this.end(a, { kind: 'refused-frame', reason: refused })
      const message = eventMessage(event)
      this.end(
        a,
        a.openedAt === undefined
          ? { kind: 'refused', status: client.refusedStatus(event), message }
          : { kind: 'error', message },
      )
    }
    socket.onclose = (event) => {
      const refused = client.refusedFrame(event)
      if (refused) return this.end(a, { kind: 'refused-frame', reason: refused })
      const { code, reason } = event as CloseEvent
      this.end(
        a,
        a.openedAt === undefined
          ? { kind: 'refused', status: client.refusedStatus(undefined), message: `closed ${code}` }
          : { kind: 'closed', code, reason },
      )
    }
  }

  private opened(a: Attempt): void {
    if (a.ended || this.closing) return
    clearTimeout(a.handshakeTimer)
    const { socket } = a.client
    a.openedAt = a.lastDataAt = performance.now()
    this.stats.opened++
    this.stats.connectUs.push(Math.round((a.openedAt - a.startedAt) * 1000))
    this.stats.extensions.add(negotiatedExtension(socket.extensions))
    socket.send(this.s.subscribe)
    if (this.droppedAt > 0) {
      this.stats.disconnectedMs += Date.now() - this.droppedAt
      this.droppedAt = 0
    }
    this.events.onOpenChange(1)
    a.pingTimer = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) a.client.ping()
    }, this.s.pingIntervalMs)
    this.watchSilence(a)
    if (!this.settled) {
      this.settled = true
      this.events.onSettled()
    }
  }

  /** One timer per connection, re-armed only when it fires: data frames just note their time. */
  private watchSilence(a: Attempt): void {
    const limit = this.s.silenceTimeoutMs
    if (limit === 0) return
    const check = () => {
      const quietMs = performance.now() - a.lastDataAt
      if (quietMs >= limit) this.end(a, { kind: 'silence', quietMs })
      else a.silenceTimer = setTimeout(check, limit - quietMs)
    }
    a.silenceTimer = setTimeout(check, limit)
  }

  /** The one place a dropped attempt is judged: counted, then retried within the budget or given up. */
  private end(a: Attempt, cause: DropCause): void {
    if (a.ended || this.closing) return
    a.ended = true
    this.stopTimers(a)
    if (cause.kind === 'handshake-timeout' || cause.kind === 'silence') this.closeSocket(a)
    if (cause.kind === 'refused-frame') this.closeSocket(a, cause.reason === 'too-large' ? 1009 : 1007)
    const openForMs = a.openedAt === undefined ? undefined : performance.now() - a.openedAt
    if (cause.kind === 'refused' && cause.status === 429) this.stats.rateLimited++
    if (cause.kind === 'handshake-timeout') this.stats.handshakeTimeouts++
    if (cause.kind === 'silence') this.stats.silenceReconnects++
    if (cause.kind === 'refused-frame') this.events.onFrameRefused(cause.reason)
    if (openForMs !== undefined) {
      this.events.onOpenChange(-1)
      this.droppedAt = Date.now()
    }
    const { flap, attempt } = this.budget.drop(openForMs)
    if (flap) this.stats.flaps++
    const why = `connection ${this.plan.index} ${describe(cause)}${flap ? ' (a flap)' : ''}`
    if (attempt === undefined) return this.giveUp(why)
    this.stats.reconnects++
    const delay = backoffDelay(attempt, this.s.backoffBaseMs, cause.kind === 'refused' && cause.status === 429)
    this.events.onLog(`${why}; retry ${attempt}/${this.s.maxRetries} in ${delay} ms`)
    this.retryTimer = setTimeout(() => this.open(), delay)
  }

  private giveUp(why: string): void {
    this.gaveUp = true
    this.stats.failed++
    this.events.onLog(`${why}; given up after ${this.s.maxRetries} retries`)
    if (!this.settled) {
      this.settled = true
      this.events.onSettled()
    }
  }

  private stopTimers(a: Attempt): void {
    clearTimeout(a.handshakeTimer)
    clearTimeout(a.silenceTimer)
    clearInterval(a.pingTimer)
  }

  /** `code`: 1009 / 1007 where the client lets a caller send it (Bun does; WHATWG clients allow only 1000 and 3000–4999) */
  private closeSocket(a: Attempt, code?: number): void {
    try {
      if (code === undefined) a.client.socket.close()
      else
        try {
          a.client.socket.close(code)
        } catch {
          a.client.socket.close()
        }
    } catch {
      // closing a socket that is still connecting may throw on some clients; it is abandoned either way
    }
  }

  /** The run is over: no more retries; time still disconnected is counted up to now. */
  close(): void {
    this.closing = true
    clearTimeout(this.retryTimer)
    if (this.droppedAt > 0) this.stats.disconnectedMs += Date.now() - this.droppedAt
    this.droppedAt = 0
    const a = this.attempt
    if (!a) return
    this.stopTimers(a)
    this.closeSocket(a)
  }
}
