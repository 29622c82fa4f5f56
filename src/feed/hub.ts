/**
 * @module feed/hub
 * Who receives what, and the hot path that sends it. A connection that is receiving is registered
 * per (kind, market): counted in `subCount` and subscribed to the kind's topic. Each message is
 * serialised once per kind that has receivers and broadcast with `server.publish(topic)`, so every
 * receiver of a kind gets identical bytes at the same moment (fairness).
 */
import type { Server, ServerWebSocket } from 'bun'
import { CHANNELS, channelOfKind, FORMATS, formatOfKind, KINDS, kindName, kindOf, TICKER, TRADE } from './channels.ts'
import { malformedFrame } from './faults.ts'
import type { Generator } from './generator.ts'
import { restamp, type Recorded } from './replay.ts'
import { SentSet } from './sent-set.ts'
import { Sink } from './sink.ts'

const REALTIME = '"stream_type":"REALTIME"'
const SNAPSHOT = '"stream_type":"SNAPSHOT"'

/** A recorded frame's kind: DEFAULT format, its own type's channel. */
const recordedKind = (entry: Recorded) => kindOf(0, entry.frame.includes('"type":"trade"') ? TRADE : TICKER)

/** What the hub needs to know of a connection; the session owns the rest. */
export interface Registration {
  format: number
  subs: Array<{ channel: number; markets: number[] }>
  registered: boolean
  /** performance.now() at registration: publishes before it were not sent to this connection. */
  registeredAt: number
  topics: string[]
}

export interface HubCounts {
  messages: number
  bytes: number
  malformed: number
  snapshots: number
}

export class Hub {
  server: Server<unknown> | undefined
  counts: HubCounts = { messages: 0, bytes: 0, malformed: 0, snapshots: 0 }
  /** Messages published per market (to at least one receiver), and when last. */
  readonly published: Float64Array
  readonly lastPublishAt: Float64Array
  readonly sentSet = new SentSet()
  malformedEvery: number | undefined
  private publishedTotal = 0
  private readonly sink = new Sink()
  private readonly subCount: Int32Array[]
  /** Per market, one bit per kind with receivers: the hot path's "anyone listening, and to what?". */
  private readonly active: Int32Array
  private readonly topics: string[][]

  constructor(
    private readonly codes: string[],
    private readonly generator: Generator,
    /** Wall-clock ms at performance.now() = 0, so intended times become Upbit `timestamp`s. */
    private readonly epoch: number,
    private readonly trackSent: boolean,
    private readonly compress: boolean,
  ) {
    const n = codes.length
    this.subCount = Array.from({ length: KINDS }, () => new Int32Array(n))
    this.active = new Int32Array(n)
    this.published = new Float64Array(n)
    this.lastPublishAt = new Float64Array(n)
    this.topics = Array.from({ length: KINDS }, (_, k) =>
      codes.map((c) => `${FORMATS[formatOfKind(k)]}:${CHANNELS[channelOfKind(k)]!.name}:${c}`),
    )
  }

  register(ws: ServerWebSocket<unknown>, r: Registration): void {
    if (r.registered) return
    r.registered = true
    r.registeredAt = performance.now()
    r.topics = []
    for (const s of r.subs) {
      const kind = kindOf(r.format, s.channel)
      const counts = this.subCount[kind]!
      for (const m of s.markets) {
        if (counts[m]!++ === 0) this.active[m]! |= 1 << kind
        const topic = this.topics[kind]![m]!
        r.topics.push(topic)
        ws.subscribe(topic)
      }
    }
  }

  unregister(ws: ServerWebSocket<unknown>, r: Registration, socketOpen = true): void {
    if (!r.registered) return
    r.registered = false
    for (const s of r.subs) {
      const kind = kindOf(r.format, s.channel)
      const counts = this.subCount[kind]!
      for (const m of s.markets) if (--counts[m]! === 0) this.active[m]! &= ~(1 << kind)
    }
    if (socketOpen) for (const topic of r.topics) ws.unsubscribe(topic)
    r.topics = []
  }

  /** Registrations per kind name, for GET /stats: every one must return to 0 when all clients have gone. */
  receivers(): { total: number; byKind: Record<string, number> } {
    const byKind: Record<string, number> = {}
    let total = 0
    for (let k = 0; k < KINDS; k++) {
      const n = this.subCount[k]!.reduce((a, b) => a + b, 0)
      byKind[kindName(k)] = n
      total += n
    }
    return { total, byKind }
  }

  /**
   * When replaying, per kind and market the recorded frame that is the market's current state: the
   * last one replayed, or before any, the market's first in the recording.
   */
  recordedState: Array<Array<string | undefined>> | undefined

  /** Starts a replay's state from each market's first frame in `frames` (sorted by time). */
  replaying(frames: Recorded[], index: Map<string, number>): void {
    this.recordedState = Array.from({ length: KINDS }, () => new Array<string | undefined>(this.codes.length))
    for (const entry of frames) {
      const state = this.recordedState[recordedKind(entry)]!
      state[index.get(entry.code)!] ??= entry.frame
    }
  }

  /**
   * One frame of the market's current state to one socket, as a subscription's first message; its
   * length, 0 when a replay has no recorded frame of that kind and market (nothing is sent: a
   * snapshot the recording does not hold would not be the recording).
   */
  sendSnapshot(ws: ServerWebSocket<unknown>, m: number, format: number, channel: number): number {
    const c = CHANNELS[channel]!
    const now = this.epoch + performance.now()
    let bytes: Buffer
    if (this.recordedState) {
      const frame = this.recordedState[kindOf(format, channel)]?.[m]
      if (frame === undefined) return 0
      bytes = Buffer.from(restamp(frame, now).replace(REALTIME, SNAPSHOT))
    } else bytes = Buffer.from(this.generator.render(m, format, c.type, now, 'SNAPSHOT', c.depth))
    if (this.trackSent) this.sentSet.add(SentSet.hash(bytes))
    ws.sendBinary(bytes, this.compress)
    this.counts.snapshots++
    this.counts.bytes += bytes.length
    return bytes.length
  }

  /** The scheduler's emit for generated data: one step of the seeded sequence, published to every kind with receivers. */
  emitGenerated(intended: number): void {
    const ts = this.epoch + intended
    const m = this.generator.step(ts)
    let mask = this.active[m]!
    const server = this.server
    if (mask === 0 || !server) return
    this.published[m]!++
    this.lastPublishAt[m] = intended
    this.publishedTotal++
    this.counts.messages++
    const every = this.malformedEvery
    const malformed = every !== undefined && every > 0 && this.publishedTotal % every === 0
    if (malformed) this.counts.malformed++
    while (mask !== 0) {
      const kind = 31 - Math.clz32(mask & -mask)
      mask &= mask - 1
      const format = formatOfKind(kind)
      const c = CHANNELS[channelOfKind(kind)]!
      let bytes: Buffer
      if (malformed)
        bytes = Buffer.from(
          malformedFrame(this.counts.malformed, this.codes[m]!, () =>
            this.generator.render(m, format, c.type, ts, 'REALTIME', c.depth),
          ),
        )
      else {
        // publish copies, so one scratch buffer serves every frame
        this.sink.pos = 0
        this.generator.write(this.sink, m, format, c.type, ts, 'REALTIME', c.depth)
        bytes = this.sink.bytes()
        if (this.trackSent) this.sentSet.add(SentSet.hash(bytes))
      }
      server.publish(this.topics[kind]![m]!, bytes, this.compress)
      this.counts.bytes += bytes.length * this.subCount[kind]![m]!
    }
  }

  /** Recorded frames go out to DEFAULT receivers of their type, byte for byte but their intended send time. */
  emitRecorded(entry: Recorded, m: number, intended: number): void {
    const kind = recordedKind(entry)
    this.recordedState![kind]![m] = entry.frame
    const receivers = this.subCount[kind]![m]!
    if (receivers === 0 || !this.server) return
    this.published[m]!++
    this.lastPublishAt[m] = intended
    this.publishedTotal++
    this.counts.messages++
    const bytes = Buffer.from(restamp(entry.frame, this.epoch + intended))
    if (this.trackSent) this.sentSet.add(SentSet.hash(bytes))
    this.server.publish(this.topics[kind]![m]!, bytes, this.compress)
    this.counts.bytes += bytes.length * receivers
  }

  resetCounts(): void {
    this.counts = { messages: 0, bytes: 0, malformed: 0, snapshots: 0 }
    this.published.fill(0)
    this.publishedTotal = 0
  }
}
