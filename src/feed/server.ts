/**
 * @module feed/server
 * A local Upbit-compatible feed on 127.0.0.1: REST `GET /v1/market/all`, WebSocket
 * `/websocket/v1` (session.ts), an open-loop rate-controlled seeded stream (schedule.ts,
 * generator.ts) broadcast by hub.ts, Upbit's request limits (limits.ts), fault injection, and
 * `GET /stats` for the bench's audit. This module wires them to Bun.serve.
 */
import type { Server } from 'bun'
import { FORMATS } from './channels.ts'
import type { Faults } from './faults.ts'
import { Generator } from './generator.ts'
import { Hub } from './hub.ts'
import { blockedBody, Limiter, tooManyBody, UPBIT_LIMITS } from './limits.ts'
import { bundledMarkets } from './markets.ts'
import { loadRecording, recordedRate, replayMarkets, ReplaySource, type Recording } from './replay.ts'
import { MarketRoute } from './rest.ts'
import { BEHIND_P99_US, RateSource, Scheduler } from './schedule.ts'
import { SentSet } from './sent-set.ts'
import { Sessions, type Conn } from './session.ts'
import type { Feed, FeedOptions, FeedStats } from './types.ts'

export type { Faults } from './faults.ts'
export type { UpbitLimits } from './limits.ts'
export type { Market } from './markets.ts'
export type { ConnectionInfo, Feed, FeedOptions, FeedStats } from './types.ts'

const WS_PATH = '/websocket/v1'
const JSON_TYPE = 'application/json; charset=utf-8'

export async function startFeed(options: FeedOptions = {}): Promise<Feed> {
  const feed = new LocalFeed(options)
  await feed.listen(options.port ?? 0)
  return feed
}

class LocalFeed implements Feed {
  port = 0
  private server: Server<Conn> | undefined
  private readonly codes: string[]
  private readonly index: Map<string, number>
  private readonly scheduler: Scheduler
  private readonly rateSource: RateSource
  private readonly route: MarketRoute
  private readonly hub: Hub
  private readonly limiter: Limiter
  private readonly sessions: Sessions
  private readonly compression: boolean
  private rate: number
  private readonly startedAtMs = Date.now()

  constructor(options: FeedOptions) {
    const recording: Recording | undefined =
      options.recording ?? (options.replay ? loadRecording(options.replay) : undefined)
    const markets = recording
      ? replayMarkets(recording, options.markets ?? bundledMarkets())
      : (options.markets ?? bundledMarkets())
    this.codes = markets.map((m) => m.market)
    this.index = new Map(this.codes.map((c, i) => [c, i]))
    this.route = new MarketRoute(markets)
    this.compression = options.wsCompression ?? true
    const generator = new Generator(markets, options.seed ?? 1, options.profile ?? 'live')
    this.hub = new Hub(
      this.codes,
      generator,
      Date.now() - performance.now(),
      options.trackSent ?? true,
      this.compression,
    )
    const upbit = options.upbitLimits
      ? { ...UPBIT_LIMITS, ...(options.upbitLimits === true ? {} : options.upbitLimits) }
      : undefined
    this.limiter = new Limiter(upbit, options.faults?.maxConnectionsPerSec)
    this.sessions = new Sessions(this.hub, this.limiter, this.index, (options.idleTimeoutS ?? 120) * 1000)
    this.setFaults(options.faults ?? {})
    // a replay's rate is the recording's (looped), whatever was asked
    this.rate = recording ? recordedRate(recording) * (options.replaySpeed ?? 1) : (options.rate ?? 1000)
    this.rateSource = new RateSource(this.rate, (intended) => this.hub.emitGenerated(intended))
    if (recording) this.hub.replaying(recording.frames, this.index)
    const source = recording
      ? new ReplaySource(recording.frames, options.replaySpeed ?? 1, (entry, intended) =>
          this.hub.emitRecorded(entry, this.index.get(entry.code)!, intended),
        )
      : this.rateSource
    this.scheduler = new Scheduler(source, () => this.sessions.afterTick())
    this.scheduler.start()
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}${WS_PATH}`
  }

  async listen(port: number): Promise<void> {
    const sessions = this.sessions
    this.server = Bun.serve<Conn>({
      hostname: '127.0.0.1',
      port,
      fetch: (req, server) => this.fetch(req, server),
      websocket: {
        // Upbit's idle rule counts frames both ways, which Bun's own timer does not: session.ts sweeps instead
        idleTimeout: 0,
        sendPings: false,
        perMessageDeflate: this.compression ? { compress: 'shared', decompress: 'shared' } : false,
        // a slow contender must not make the feed buffer without bound, nor be silently skipped
        backpressureLimit: 64 * 1024 * 1024,
        closeOnBackpressureLimit: true,
        open: (ws) => sessions.open(ws),
        message: (ws, message) => sessions.message(ws, message),
        ping: (ws) => sessions.heard(ws),
        pong: (ws) => sessions.heard(ws),
        close: (ws) => sessions.release(ws),
      },
    })
    this.hub.server = this.server as Server<unknown>
    this.port = this.server.port ?? port
  }

  private fetch(req: Request, server: Server<Conn>): Response | undefined {
    const url = new URL(req.url)
    const ip = server.requestIP(req)?.address ?? 'unknown'
    if (url.pathname === WS_PATH) {
      const verdict = this.limiter.upgrade(ip)
      if (verdict.status === 429)
        return new Response(tooManyBody('ws-upgrade'), { status: 429, headers: { 'content-type': JSON_TYPE } })
      if (verdict.status === 418) {
        const headers = { 'content-type': JSON_TYPE, 'retry-after': String(Math.ceil(verdict.retryAfterMs / 1000)) }
        return new Response(blockedBody(verdict.retryAfterMs, verdict.offence), { status: 418, headers })
      }
      // uWS accepts any permessage-deflate offer when compression is on, so an offer means it was negotiated
      const deflate = this.compression && /permessage-deflate/i.test(req.headers.get('sec-websocket-extensions') ?? '')
      if (server.upgrade(req, { data: this.sessions.newConn(ip, deflate) })) return undefined
      return Response.json(
        { error: { name: 'WRONG_FORMAT', message: 'expected a WebSocket upgrade' } },
        { status: 400 },
      )
    }
    if (req.method === 'GET' && url.pathname === '/v1/market/all') return this.route.handle(url, this.limiter.rest(ip))
    if (req.method === 'GET' && url.pathname === '/stats') return Response.json(this.stats())
    return Response.json({ error: { name: 404, message: 'Code not found' } }, { status: 404 })
  }

  stats(): FeedStats {
    const byMarket: Record<string, number> = {}
    const published = this.hub.published
    for (let m = 0; m < this.codes.length; m++) if (published[m]! > 0) byMarket[this.codes[m]!] = published[m]!
    const lag = this.scheduler.lag
    const count = lag.totalCount
    const p99Us = count ? lag.getValueAtPercentile(99) : 0
    const skipped = this.scheduler.skipped
    const h = this.hub.counts
    const s = this.sessions.faults.counts
    const open = [...this.sessions.conns].map(({ data: c }) => ({
      id: c.id,
      ip: c.ip,
      ticket: c.ticket ?? null,
      format: FORMATS[c.format]!,
      deflate: c.deflate,
      silenced: c.silenced,
      receiving: c.registered ? c.topics.length : 0,
    }))
    return {
      startedAtMs: this.startedAtMs,
      rate: this.rate,
      sent: { messages: h.messages, bytes: h.bytes, malformed: h.malformed, byMarket, snapshots: h.snapshots, skipped },
      connections: {
        current: open.length,
        total: this.sessions.total,
        refused429: this.limiter.refused429['ws-upgrade'],
        dropped: s.dropped,
        stalled: s.stalled,
        silenced: s.silenced,
        deflate: open.filter((c) => c.deflate).length,
        open,
      },
      subscribers: this.hub.receivers(),
      limits: {
        upbit: this.limiter.upbit !== undefined,
        refused429: { ...this.limiter.refused429 },
        refused418: { ...this.limiter.refused418 },
        blocks: this.limiter.blocks,
        blockedIps: this.limiter.blockedIps(),
      },
      compression: this.compression,
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
    const faults = { ...f }
    this.hub.malformedEvery = faults.malformedEvery
    this.limiter.setConnectionsPerSec(faults.maxConnectionsPerSec)
    this.sessions.setFaults(faults)
  }

  setRate(msgPerSec: number): void {
    this.rate = msgPerSec
    this.rateSource.setRate(msgPerSec)
  }

  wasSent(value: Uint8Array): boolean {
    return this.hub.sentSet.has(SentSet.hash(value))
  }

  /** Zeroes counters and lag; the sent-frame memory is kept, since frames sent before the reset may still be audited after it. */
  resetCounts(): void {
    this.hub.resetCounts()
    this.sessions.resetCounts()
    this.limiter.resetCounts()
    this.scheduler.resetCounts()
  }

  async restart(downMs = 0): Promise<void> {
    await this.close()
    if (downMs > 0) await Bun.sleep(downMs)
    await this.listen(this.port)
  }

  async stop(): Promise<void> {
    this.scheduler.stop()
    this.sessions.stop()
    await this.close()
  }

  private async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    this.hub.server = undefined
    for (const ws of [...this.sessions.conns]) {
      this.sessions.release(ws, true)
      ws.terminate()
    }
    await server?.stop(true)
  }
}
