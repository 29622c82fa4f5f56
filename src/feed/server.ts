/**
 * @module feed/server
 * A local Upbit-compatible feed on 127.0.0.1: REST `GET /v1/market/all`, WebSocket
 * `/websocket/v1` (subscribe, PING, errors), an open-loop rate-controlled seeded ticker stream,
 * fault injection, and `GET /stats` for the bench's audit.
 *
 * Fairness: each message is serialised once per (format, type) and broadcast with
 * `server.publish(topic)`, so every subscriber of a market gets identical bytes at the same moment.
 */
import type { Server, ServerWebSocket } from 'bun'
import { malformedFrame, RollingWindow, TOO_MANY_REQUESTS, type Faults } from './faults.ts'
import { FORMATS, Generator, TYPES } from './generator.ts'
import { bundledMarkets, type Market } from './markets.ts'
import type { Profile } from './profile.ts'
import { errorFrame, parseRequest, type TypeRequest } from './request.ts'
import { loadRecording, ReplaySource, type Recorded } from './replay.ts'
import { MarketRoute } from './rest.ts'
import { BEHIND_P99_US, RateSource, Scheduler } from './schedule.ts'
import { SentSet } from './sent-set.ts'

export type { Faults } from './faults.ts'
export type { Market } from './markets.ts'

export interface FeedOptions {
  /** 0 = a free port. */
  port?: number
  /** Total messages/second over all markets; default 1000. 0 pauses the stream. */
  rate?: number
  seed?: number
  profile?: Profile
  /** Default: the bundled real market list. */
  markets?: Market[]
  faults?: Faults
  /** JSONL recording to play back instead of generating. */
  replay?: string
  replaySpeed?: number
  /** Upbit closes idle connections after about 120 s. */
  idleTimeoutS?: number
  /** Remember hashes of every valid frame for wasSent(); default true. */
  trackSent?: boolean
}

export interface FeedStats {
  startedAtMs: number
  rate: number
  sent: { messages: number; bytes: number; malformed: number; byMarket: Record<string, number>; snapshots: number; skipped: number }
  connections: { current: number; total: number; refused429: number; dropped: number; stalled: number }
  /** Open subscriptions (connection × market) per "FORMAT:type": each must return to 0 when every client has gone. */
  subscribers: { total: number; byKind: Record<string, number> }
  /** Actual − intended send time, µs. */
  lag: { count: number; p50Us: number; p99Us: number; p999Us: number; maxUs: number }
  /** Lag p99 above 50 ms, or messages skipped: the offered rate was not held. */
  behind: boolean
}

export interface Feed {
  readonly port: number
  readonly httpUrl: string
  readonly wsUrl: string
  stats(): FeedStats
  /** Replaces all faults; {} clears. */
  setFaults(f: Faults): void
  setRate(msgPerSec: number): void
  /** True iff these exact bytes were published as a valid ticker/trade frame (never for malformed ones). */
  wasSent(value: Uint8Array): boolean
  resetCounts(): void
  /** Close every socket and the listener, come back on the same port after downMs. */
  restart(downMs?: number): Promise<void>
  stop(): Promise<void>
}

const WS_PATH = '/websocket/v1'
const STATUS_UP = Buffer.from('{"status":"UP"}')
/** Upbit repeats {"status":"UP"} every 10 s once a client has sent PING. */
const STATUS_EVERY_MS = 10_000
const KINDS = FORMATS.length * TYPES.length

interface Conn {
  id: number
  format: number
  subs: Array<{ type: number; markets: number[] }>
  topics: string[]
  subscribedAt: number
  /** Σ per-market publishes at subscription, for the approximate dropAfterMessages count. */
  base: number
  snapshots: number
  requested: boolean
  stalled: boolean
  closed: boolean
  dropTimer?: ReturnType<typeof setTimeout>
  stallTimer?: ReturnType<typeof setTimeout>
  statusTimer?: ReturnType<typeof setInterval>
  idleTimer?: ReturnType<typeof setTimeout>
}
type Socket = ServerWebSocket<Conn>

export async function startFeed(options: FeedOptions = {}): Promise<Feed> {
  const feed = new LocalFeed(options)
  await feed.listen(options.port ?? 0)
  return feed
}

class LocalFeed implements Feed {
  port = 0
  private server: Server<Conn> | undefined
  private readonly markets: Market[]
  private readonly codes: string[]
  private readonly index: Map<string, number>
  private readonly known: Set<string>
  private readonly generator: Generator
  private readonly scheduler: Scheduler
  private readonly rateSource: RateSource
  private readonly route: MarketRoute
  private readonly sentSet = new SentSet()
  private readonly trackSent: boolean
  private readonly idleTimeoutS: number
  private readonly conns = new Set<Socket>()
  private readonly connectWindow = new RollingWindow()
  /** Subscriber counts per [format*2+type][market], and any-kind totals per market: the hot path's "anyone listening?". */
  private readonly subCount: Int32Array[]
  private readonly anySubs: Int32Array
  /** Topic names per [format*2+type][market], built once. */
  private readonly topics: string[][]
  private readonly published: Float64Array
  private publishedTotal = 0
  private faults: Faults = {}
  private rate: number
  private nextId = 1
  private readonly startedAtMs = Date.now()
  /** Wall-clock ms at performance.now() = 0, so intended times become Upbit `timestamp`s. */
  private readonly epoch = Date.now() - performance.now()
  private counts = { messages: 0, bytes: 0, malformed: 0, snapshots: 0, total: 0, refused429: 0, dropped: 0, stalled: 0 }

  constructor(options: FeedOptions) {
    let recording: Recorded[] | undefined
    let markets = options.markets ?? bundledMarkets()
    if (options.replay) {
      recording = loadRecording(options.replay)
      // a recording may name markets listed after (or delisted before) the bundled snapshot
      const have = new Set(markets.map((m) => m.market))
      const extra = [...new Set(recording.map((r) => r.code))].filter((c) => !have.has(c))
      markets = [...markets, ...extra.map((market) => ({ market, korean_name: market, english_name: market }))]
    }
    this.markets = markets
    this.codes = markets.map((m) => m.market)
    this.index = new Map(this.codes.map((c, i) => [c, i]))
    this.known = new Set(this.codes)
    this.generator = new Generator(markets, options.seed ?? 1, options.profile ?? 'live')
    this.route = new MarketRoute(markets)
    this.trackSent = options.trackSent ?? true
    this.idleTimeoutS = options.idleTimeoutS ?? 120
    this.faults = { ...options.faults }
    this.rate = options.rate ?? 1000
    const n = this.codes.length
    this.subCount = Array.from({ length: KINDS }, () => new Int32Array(n))
    this.anySubs = new Int32Array(n)
    this.published = new Float64Array(n)
    this.topics = Array.from({ length: KINDS }, (_, k) => this.codes.map((c) => `${FORMATS[k >> 1]}:${TYPES[k & 1]}:${c}`))
    this.rateSource = new RateSource(this.rate, (intended) => this.emitGenerated(intended))
    const source = recording ? new ReplaySource(recording, options.replaySpeed ?? 1, (entry, intended) => this.emitRecorded(entry, intended)) : this.rateSource
    this.scheduler = new Scheduler(source, () => this.afterTick())
    this.scheduler.start()
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${WS_PATH}`
  }

  async listen(port: number): Promise<void> {
    this.server = Bun.serve<Conn>({
      hostname: '127.0.0.1',
      port,
      fetch: (req, server) => this.fetch(req, server),
      websocket: {
        // Bun rounds 1..7 up to 8 and caps at 960; the per-connection timer below enforces short values exactly
        idleTimeout: Math.min(960, Math.max(1, Math.round(this.idleTimeoutS))),
        sendPings: true,
        perMessageDeflate: false,
        // a slow contender must not make the feed buffer without bound, nor be silently skipped
        backpressureLimit: 64 * 1024 * 1024,
        closeOnBackpressureLimit: true,
        open: (ws) => this.onOpen(ws),
        message: (ws, message) => this.onMessage(ws, message),
        close: (ws) => this.onClose(ws),
      },
    })
    this.port = this.server.port ?? port
  }

  private fetch(req: Request, server: Server<Conn>): Response | undefined {
    const url = new URL(req.url)
    if (url.pathname === WS_PATH) {
      const limit = this.faults.maxConnectionsPerSec
      if (limit !== undefined && this.connectWindow.count() >= limit) {
        this.counts.refused429++
        return new Response(TOO_MANY_REQUESTS, { status: 429, headers: { 'content-type': 'application/json; charset=utf-8' } })
      }
      const conn: Conn = { id: this.nextId++, format: 0, subs: [], topics: [], subscribedAt: 0, base: 0, snapshots: 0, requested: false, stalled: false, closed: false }
      if (server.upgrade(req, { data: conn })) {
        if (limit !== undefined) this.connectWindow.hit()
        return undefined
      }
      return new Response(JSON.stringify({ error: { name: 'WRONG_FORMAT', message: 'expected a WebSocket upgrade' } }), { status: 400 })
    }
    if (req.method === 'GET' && url.pathname === '/v1/market/all') return this.route.handle(url)
    if (req.method === 'GET' && url.pathname === '/stats') return Response.json(this.stats())
    return Response.json({ error: { name: 404, message: 'Code not found' } }, { status: 404 })
  }

  private onOpen(ws: Socket): void {
    this.conns.add(ws)
    this.counts.total++
    // Upbit waits for a first request until the idle timeout, then closes
    ws.data.idleTimer = setTimeout(() => {
      if (!ws.data.requested) ws.close(1000, 'idle')
    }, this.idleTimeoutS * 1000)
  }

  private onClose(ws: Socket): void {
    this.release(ws)
  }

  /** Idempotent: close handlers and restart() both call it. */
  private release(ws: Socket): void {
    const c = ws.data
    if (c.closed) return
    c.closed = true
    this.conns.delete(ws)
    this.setSubscriptions(ws, [])
    clearTimeout(c.dropTimer)
    clearTimeout(c.stallTimer)
    clearTimeout(c.idleTimer)
    clearInterval(c.statusTimer)
  }

  private onMessage(ws: Socket, message: string | Buffer): void {
    const text = typeof message === 'string' ? message : message.toString('utf8')
    const c = ws.data
    if (text === 'PING') {
      ws.sendBinary(STATUS_UP)
      c.statusTimer ??= setInterval(() => ws.sendBinary(STATUS_UP), STATUS_EVERY_MS)
      return
    }
    c.requested = true
    const request = parseRequest(text, this.known)
    if ('name' in request) {
      ws.sendBinary(Buffer.from(errorFrame(request)))
      return
    }
    // the format applies to the whole connection and the last request wins; a request without one asks for the default
    this.setFormat(ws, FORMATS.indexOf(request.format ?? 'DEFAULT'))
    if (request.kind === 'list') {
      const simple = c.format & 1
      const result = c.subs.map((s) => {
        const codes = s.markets.map((m) => this.codes[m])
        return simple ? { ty: TYPES[s.type], cds: codes } : { type: TYPES[s.type], codes }
      })
      const answer = simple ? { mthd: 'LIST_SUBSCRIPTIONS', rslt: result, tckt: request.ticket } : { method: 'LIST_SUBSCRIPTIONS', result, ticket: request.ticket }
      ws.sendBinary(Buffer.from(JSON.stringify(answer)))
      return
    }
    this.subscribe(ws, request.types)
  }

  /** A new request replaces the connection's subscription set (see upbit-protocol.md §1, re-subscribing). */
  private subscribe(ws: Socket, types: TypeRequest[]): void {
    const c = ws.data
    const realtime = types.filter((t) => !t.onlySnapshot).map((t) => ({ type: TYPES.indexOf(t.type), markets: t.codes.map((code) => this.index.get(code)!) }))
    const now = performance.now()
    for (const t of types) {
      if (t.onlyRealtime) continue
      const type = TYPES.indexOf(t.type)
      for (const code of t.codes) {
        const frame = Buffer.from(this.generator.render(this.index.get(code)!, c.format, type, this.epoch + now, 'SNAPSHOT'))
        if (this.trackSent) this.sentSet.add(SentSet.hash(frame))
        ws.sendBinary(frame)
        c.snapshots++
        this.counts.snapshots++
        this.counts.bytes += frame.length
      }
    }
    this.setSubscriptions(ws, realtime)
    if (c.subscribedAt === 0) {
      c.subscribedAt = now
      this.armFaults(ws)
    }
  }

  /**
   * Moves the connection's running subscriptions to another format: counts and topics are keyed by
   * format, so they must be released under the old one before the switch (issue 17).
   */
  private setFormat(ws: Socket, format: number): void {
    const c = ws.data
    if (c.format === format) return
    const subs = c.subs
    const base = c.base
    this.setSubscriptions(ws, [])
    c.format = format
    this.setSubscriptions(ws, subs)
    c.base = base
  }

  private setSubscriptions(ws: Socket, subs: Conn['subs']): void {
    const c = ws.data
    const live = !c.stalled && !c.closed
    if (!c.stalled) for (const topic of c.topics) ws.unsubscribe(topic)
    for (const s of c.subs) {
      const counts = this.subCount[c.format * 2 + s.type]!
      for (const m of s.markets) {
        counts[m]!--
        this.anySubs[m]!--
      }
    }
    c.subs = subs
    c.topics = []
    c.base = 0
    for (const s of subs) {
      const kind = c.format * 2 + s.type
      const counts = this.subCount[kind]!
      for (const m of s.markets) {
        counts[m]!++
        this.anySubs[m]!++
        c.topics.push(this.topics[kind]![m]!)
        c.base += this.published[m]!
      }
    }
    c.base -= c.snapshots
    if (live) for (const topic of c.topics) ws.subscribe(topic)
  }

  /** Arms the time-based faults for a subscribed connection, relative to when it subscribed. */
  private armFaults(ws: Socket): void {
    const c = ws.data
    clearTimeout(c.dropTimer)
    clearTimeout(c.stallTimer)
    c.dropTimer = c.stallTimer = undefined
    if (c.subscribedAt === 0 || c.closed) return
    const elapsed = performance.now() - c.subscribedAt
    const { dropAfterMs, stallAfterMs, stallForMs } = this.faults
    if (dropAfterMs !== undefined) c.dropTimer = setTimeout(() => this.drop(ws), Math.max(0, dropAfterMs - elapsed))
    if (stallAfterMs !== undefined && stallForMs !== undefined && !c.stalled) {
      c.stallTimer = setTimeout(() => this.stall(ws, stallForMs), Math.max(0, stallAfterMs - elapsed))
    }
  }

  private drop(ws: Socket): void {
    if (ws.data.closed) return
    this.counts.dropped++
    this.release(ws)
    ws.terminate()
  }

  /** A stall unsubscribes the socket: nothing is queued for it meanwhile, exactly like a server that stopped writing and dropped. */
  private stall(ws: Socket, forMs: number): void {
    const c = ws.data
    if (c.closed || c.stalled) return
    c.stalled = true
    this.counts.stalled++
    for (const topic of c.topics) ws.unsubscribe(topic)
    c.stallTimer = setTimeout(() => {
      c.stalled = false
      if (!c.closed) for (const topic of c.topics) ws.subscribe(topic)
    }, forMs)
  }

  private emitGenerated(intended: number): void {
    const ts = this.epoch + intended
    const m = this.generator.step(ts)
    if (this.anySubs[m] === 0) return
    const server = this.server
    if (!server) return
    this.published[m]!++
    this.publishedTotal++
    this.counts.messages++
    const every = this.faults.malformedEvery
    const malformed = every !== undefined && every > 0 && this.publishedTotal % every === 0
    if (malformed) this.counts.malformed++
    for (let k = 0; k < KINDS; k++) {
      const subs = this.subCount[k]![m]!
      if (subs === 0) continue
      const format = k >> 1
      const type = k & 1
      const text = malformed
        ? malformedFrame(this.counts.malformed, this.codes[m]!, () => this.generator.render(m, format, type, ts, 'REALTIME'))
        : this.generator.render(m, format, type, ts, 'REALTIME')
      const bytes = Buffer.from(text)
      if (!malformed && this.trackSent) this.sentSet.add(SentSet.hash(bytes))
      server.publish(this.topics[k]![m]!, bytes)
      this.counts.bytes += bytes.length * subs
    }
  }

  /** Recorded frames go out as recorded, to DEFAULT subscribers of their type. */
  private emitRecorded(entry: Recorded, _intended: number): void {
    const m = this.index.get(entry.code)!
    if (this.anySubs[m] === 0 || !this.server) return
    const type = entry.frame.includes('"type":"trade"') ? 1 : 0
    const subs = this.subCount[type]![m]!
    if (subs === 0) return
    this.published[m]!++
    this.publishedTotal++
    this.counts.messages++
    const bytes = Buffer.from(entry.frame)
    if (this.trackSent) this.sentSet.add(SentSet.hash(bytes))
    this.server.publish(this.topics[type]![m]!, bytes)
    this.counts.bytes += bytes.length * subs
  }

  /** dropAfterMessages is checked once per scheduler tick: cheap, and approximate as documented. */
  private afterTick(): void {
    const limit = this.faults.dropAfterMessages
    if (limit === undefined) return
    for (const ws of this.conns) {
      const c = ws.data
      if (c.subscribedAt === 0) continue
      let sent = -c.base
      for (const s of c.subs) for (const m of s.markets) sent += this.published[m]!
      if (sent >= limit) this.drop(ws)
    }
  }

  stats(): FeedStats {
    const byMarket: Record<string, number> = {}
    for (let m = 0; m < this.codes.length; m++) if (this.published[m]! > 0) byMarket[this.codes[m]!] = this.published[m]!
    const lag = this.scheduler.lag
    const count = lag.totalCount
    const p99Us = count ? lag.getValueAtPercentile(99) : 0
    const skipped = this.scheduler.skipped
    const byKind: Record<string, number> = {}
    let total = 0
    for (let k = 0; k < KINDS; k++) {
      const n = this.subCount[k]!.reduce((a, b) => a + b, 0)
      byKind[`${FORMATS[k >> 1]}:${TYPES[k & 1]}`] = n
      total += n
    }
    return {
      startedAtMs: this.startedAtMs,
      rate: this.rate,
      sent: { messages: this.counts.messages, bytes: this.counts.bytes, malformed: this.counts.malformed, byMarket, snapshots: this.counts.snapshots, skipped },
      connections: {
        current: this.conns.size,
        total: this.counts.total,
        refused429: this.counts.refused429,
        dropped: this.counts.dropped,
        stalled: this.counts.stalled,
      },
      subscribers: { total, byKind },
      lag: {
        count,
        p50Us: count ? lag.getValueAtPercentile(50) : 0,
        p99Us,
        p999Us: count ? lag.getValueAtPercentile(99.9) : 0,
        maxUs: count ? lag.maxValue : 0,
      },
      behind: p99Us > BEHIND_P99_US || skipped > 0,
    }
  }

  setFaults(f: Faults): void {
    this.faults = { ...f }
    for (const ws of this.conns) this.armFaults(ws)
  }

  setRate(msgPerSec: number): void {
    this.rate = msgPerSec
    this.rateSource.setRate(msgPerSec)
  }

  wasSent(value: Uint8Array): boolean {
    return this.sentSet.has(SentSet.hash(value))
  }

  /** Zeroes counters and lag; the sent-frame memory is kept, since frames sent before the reset may still be audited after it. */
  resetCounts(): void {
    this.counts = { messages: 0, bytes: 0, malformed: 0, snapshots: 0, total: 0, refused429: 0, dropped: 0, stalled: 0 }
    this.published.fill(0)
    this.publishedTotal = 0
    for (const ws of this.conns) ws.data.base = -ws.data.snapshots
    this.scheduler.resetCounts()
  }

  async restart(downMs = 0): Promise<void> {
    await this.close()
    if (downMs > 0) await Bun.sleep(downMs)
    await this.listen(this.port)
  }

  async stop(): Promise<void> {
    this.scheduler.stop()
    await this.close()
  }

  private async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    for (const ws of [...this.conns]) {
      this.release(ws)
      ws.terminate()
    }
    await server?.stop(true)
  }
}
