/**
 * @module feed/conn
 * What the feed keeps per WebSocket connection (the session owns the protocol, conn-faults the
 * faults; both read and write this).
 */
import type { ServerWebSocket } from 'bun'
import type { Registration } from './hub.ts'
import type { DataWindows } from './limits.ts'
import type { Ticket } from './request.ts'

export interface Conn extends Registration {
  id: number
  ip: string
  /** permessage-deflate negotiated on the handshake. */
  deflate: boolean
  ticket: Ticket | undefined
  /** What LIST_SUBSCRIPTIONS reports: the realtime type objects of the last request, merged per type. */
  listed: Array<{ type: string; codes: string[] }>
  subscribedAt: number
  /** Σ per-market publishes at subscription, for the approximate dropAfterMessages count. */
  base: number
  snapshots: number
  stalled: boolean
  silenced: boolean
  silenceArmed: boolean
  closed: boolean
  lastClientAt: number
  lastSentAt: number
  windows: DataWindows
  timers: { drop?: Timer; stall?: Timer; silence?: Timer; status?: Timer }
}
export type Socket = ServerWebSocket<Conn>
type Timer = ReturnType<typeof setTimeout>
