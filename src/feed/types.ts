/**
 * @module feed/types
 * The feed's public surface: startFeed()'s options, the Feed handle, and GET /stats.
 */
import type { Faults } from './faults.ts'
import type { LimitKind, UpbitLimits } from './limits.ts'
import type { Market } from './markets.ts'
import type { Profile } from './profile.ts'
import type { Recording } from './replay.ts'

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
  /** JSONL recording to play back instead of generating (replay.ts: its format, its market list). */
  replay?: string
  /** A recording already loaded (loadRecording), played instead of `replay`'s file. */
  recording?: Recording
  replaySpeed?: number
  /** Close a connection after this long with no frame sent or received, as Upbit does after about 120 s; default 120. */
  idleTimeoutS?: number
  /** Remember hashes of every valid frame for wasSent(); default true. */
  trackSent?: boolean
  /**
   * Upbit's request limits as a group (limits.ts): 5 WebSocket connections/s per IP, REST 10/s per
   * IP, 5 data requests/s and 100/min per connection, 429 past a limit and 418 blocks for IPs that
   * keep going. `true` = Upbit's numbers; an object overrides some of them (tests use short blocks).
   * Default false: no limits except `faults.maxConnectionsPerSec`.
   */
  upbitLimits?: boolean | Partial<UpbitLimits>
  /** Offer permessage-deflate (RFC 7692) to clients that ask, as Upbit does; default true. */
  wsCompression?: boolean
}

export interface ConnectionInfo {
  id: number
  ip: string
  /** The ticket of the connection's first subscription, if any (the contenders' are `name-index`). */
  ticket: string | number | null
  format: string
  /** permessage-deflate was negotiated on the handshake. */
  deflate: boolean
  silenced: boolean
  /** Markets × channels the connection receives now. */
  receiving: number
}

export interface FeedStats {
  startedAtMs: number
  rate: number
  sent: {
    messages: number
    bytes: number
    malformed: number
    byMarket: Record<string, number>
    snapshots: number
    skipped: number
  }
  connections: {
    current: number
    total: number
    /** WebSocket upgrades answered 429 (= limits.refused429['ws-upgrade'], kept for existing readers). */
    refused429: number
    dropped: number
    stalled: number
    silenced: number
    /** Open connections that negotiated permessage-deflate, and each open connection. */
    deflate: number
    open: ConnectionInfo[]
  }
  /** Receiving registrations (connection × market) per "FORMAT:channel": each returns to 0 when every client has gone. */
  subscribers: { total: number; byKind: Record<string, number> }
  limits: {
    upbit: boolean
    refused429: Record<LimitKind, number>
    refused418: Record<LimitKind, number>
    /** Block periods started (each answered with 418 while it lasts), and IPs blocked now. */
    blocks: number
    blockedIps: number
  }
  compression: boolean
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
  /** True iff these exact bytes were published as a valid data frame (never for malformed ones). */
  wasSent(value: Uint8Array): boolean
  resetCounts(): void
  /** Close every socket and the listener, come back on the same port after downMs. */
  restart(downMs?: number): Promise<void>
  stop(): Promise<void>
}
