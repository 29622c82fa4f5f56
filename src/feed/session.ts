/**
 * @module feed/session
 * One WebSocket connection's protocol: requests (subscribe, LIST_SUBSCRIPTIONS, PING), the
 * per-connection data-request limit and Upbit's idle rule. Its faults are conn-faults.ts'.
 *
 * Idle rule (Upbit, docs.upbit.com/kr/reference/websocket-guide "연결 관리"): a connection is
 * closed after about 120 s with no data sent or received. Any frame from the client (text, binary,
 * ping, pong) and any frame the feed sends it (data, snapshot, answer, {"status":"UP"}) counts.
 * A sweep checks every connection a few times per timeout rather than a timer per message.
 */
import { FORMATS, TYPES } from './channels.ts'
import { ConnFaults, receiving } from './conn-faults.ts'
import type { Faults } from './faults.ts'
import type { Conn, Socket } from './conn.ts'
import type { Hub } from './hub.ts'
import { DataWindows, type Limiter } from './limits.ts'
import { errorFrame, parseRequest, type Request, type Ticket } from './request.ts'

export type { Conn, Socket } from './conn.ts'
type Timer = ReturnType<typeof setTimeout>

const STATUS_UP = Buffer.from('{"status":"UP"}')
/** Upbit repeats {"status":"UP"} every 10 s once a client has sent PING. */
const STATUS_EVERY_MS = 10_000

export class Sessions {
  readonly conns = new Set<Socket>()
  /** Connections opened since the last resetCounts(). */
  total = 0
  readonly faults: ConnFaults
  private nextId = 1
  private readonly sweeper: Timer

  constructor(
    private readonly hub: Hub,
    private readonly limiter: Limiter,
    private readonly index: Map<string, number>,
    private readonly idleMs: number,
  ) {
    this.faults = new ConnFaults(hub, (ws) => this.release(ws, true))
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, idleMs / 4)))
  }

  newConn(ip: string, deflate: boolean): Conn {
    const now = performance.now()
    return {
      id: this.nextId++,
      ip,
      deflate,
      ticket: undefined,
      format: 0,
      subs: [],
      listed: [],
      registered: false,
      registeredAt: 0,
      topics: [],
      subscribedAt: 0,
      base: 0,
      snapshots: 0,
      stalled: false,
      silenced: false,
      silenceArmed: false,
      closed: false,
      lastClientAt: now,
      lastSentAt: now,
      windows: new DataWindows(),
      timers: {},
    }
  }

  open(ws: Socket): void {
    this.conns.add(ws)
    this.total++
  }

  /** Idempotent: close handlers, faults and restart() all call it. */
  release(ws: Socket, socketOpen = false): void {
    const c = ws.data
    if (c.closed) return
    c.closed = true
    this.conns.delete(ws)
    this.hub.unregister(ws, c, socketOpen)
    for (const t of Object.values(c.timers)) clearTimeout(t)
  }

  /** Client pings and pongs: keep-alive only. */
  heard(ws: Socket): void {
    ws.data.lastClientAt = performance.now()
  }

  message(ws: Socket, message: string | Buffer): void {
    const c = ws.data
    c.lastClientAt = performance.now()
    const text = typeof message === 'string' ? message : message.toString('utf8')
    if (text === 'PING') {
      this.send(ws, STATUS_UP)
      c.timers.status ??= setInterval(() => this.send(ws, STATUS_UP), STATUS_EVERY_MS)
      return
    }
    const verdict = this.limiter.data(c.ip, c.windows)
    if (verdict.status === 418)
      return this.send(
        ws,
        errorFrame({
          name: 'IP_BLOCKED',
          message: `this IP is blocked for another ${Math.ceil(verdict.retryAfterMs)} ms after repeated refused requests`,
        }),
      )
    if (verdict.status === 429) {
      const u = this.limiter.upbit!
      return this.send(
        ws,
        errorFrame({
          name: 'TOO_MANY_REQUESTS',
          message: `data requests are limited to ${u.wsDataPerSec} per second and ${u.wsDataPerMin} per minute per connection; this one was refused`,
        }),
      )
    }
    const request = parseRequest(text, this.index)
    if ('name' in request) return this.send(ws, errorFrame(request))
    // the format applies to the whole connection and the last request wins (Upbit: list-subscriptions)
    this.setFormat(ws, FORMATS.indexOf(request.format))
    if (request.kind === 'list') return this.send(ws, this.listAnswer(c, request.ticket))
    this.subscribe(ws, request)
  }

  setFaults(faults: Faults): void {
    this.faults.set(faults, this.conns)
  }

  afterTick(): void {
    this.faults.afterTick(this.conns)
  }

  resetCounts(): void {
    this.total = 0
    this.faults.resetCounts()
    for (const ws of this.conns) ws.data.base = -ws.data.snapshots
  }

  stop(): void {
    clearInterval(this.sweeper)
  }

  private send(ws: Socket, frame: string | Buffer): void {
    ws.data.lastSentAt = performance.now()
    ws.sendBinary(typeof frame === 'string' ? Buffer.from(frame) : frame)
  }

  private listAnswer(c: Conn, ticket: Ticket): string {
    const simple = c.format & 1
    const result = c.listed.map((l) => {
      const level = l.type === 'orderbook' ? (simple ? { lv: 0 } : { level: 0 }) : {}
      return simple ? { ty: l.type, cds: l.codes, ...level } : { type: l.type, codes: l.codes, ...level }
    })
    return JSON.stringify(
      simple
        ? { mthd: 'LIST_SUBSCRIPTIONS', rslt: result, tckt: ticket }
        : { method: 'LIST_SUBSCRIPTIONS', result, ticket },
    )
  }

  /** Registrations are keyed by format, so a switch releases under the old format before re-registering (issue 17). */
  private setFormat(ws: Socket, format: number): void {
    const c = ws.data
    if (c.format === format) return
    const was = c.registered
    this.hub.unregister(ws, c)
    c.format = format
    if (was) this.hub.register(ws, c)
  }

  /** A new request replaces the connection's subscription set (see upbit-protocol.md §1, re-subscribing). */
  private subscribe(ws: Socket, request: Extract<Request, { kind: 'subscribe' }>): void {
    const c = ws.data
    const first = c.subscribedAt === 0
    c.ticket ??= request.ticket
    if (!c.silenced) {
      for (const t of request.types) {
        if (t.onlyRealtime) continue
        for (const target of t.targets) {
          if (this.hub.sendSnapshot(ws, this.index.get(target.code)!, c.format, target.channel) === 0) continue
          c.snapshots++
          c.lastSentAt = performance.now()
        }
      }
    }
    const byChannel = new Map<number, Set<number>>()
    const listed = new Map<string, Set<string>>()
    for (const t of request.types) {
      if (t.onlySnapshot) continue
      for (const target of t.targets) {
        let markets = byChannel.get(target.channel)
        if (!markets) byChannel.set(target.channel, (markets = new Set()))
        markets.add(this.index.get(target.code)!)
      }
      const codes = listed.get(t.type) ?? new Set<string>()
      for (const code of t.codes) codes.add(code)
      listed.set(t.type, codes)
    }
    this.hub.unregister(ws, c)
    c.subs = [...byChannel].map(([channel, markets]) => ({ channel, markets: [...markets] }))
    c.listed = TYPES.filter((type) => listed.has(type)).map((type) => ({ type, codes: [...listed.get(type)!] }))
    c.base = -c.snapshots
    for (const s of c.subs) for (const m of s.markets) c.base += this.hub.published[m]!
    if (receiving(c)) this.hub.register(ws, c)
    if (first) {
      c.subscribedAt = performance.now()
      this.faults.arm(ws)
    }
  }

  private sweep(): void {
    const now = performance.now()
    for (const ws of this.conns) {
      const c = ws.data
      let last = Math.max(c.lastClientAt, c.lastSentAt)
      if (c.registered) {
        for (const s of c.subs) {
          for (const m of s.markets) {
            const at = this.hub.lastPublishAt[m]!
            if (at > last && at >= c.registeredAt) last = at
          }
        }
      }
      if (now - last >= this.idleMs) {
        this.release(ws, true)
        ws.close(1000, 'idle timeout')
      }
    }
  }
}
