/**
 * @module feed/channels
 * What a subscriber can ask for. A channel is one stream of frames per market: ticker, trade, or an
 * orderbook at one depth (Upbit's `CODE.N` suffix, N ∈ 1, 5, 15, 30). A kind is a (format,
 * channel) pair: each kind of each market is serialised once per message and published to its own
 * topic, so subscribers of the same kind get the same bytes.
 */
import { CHANNELS as CONTRACT_CHANNELS } from '../contract/rules.ts'

export const FORMATS = ['DEFAULT', 'SIMPLE', 'JSON_LIST', 'SIMPLE_LIST'] as const
export type FeedFormat = (typeof FORMATS)[number]
/** The types this feed serves; Upbit's candle types and the private ones are refused by request.ts. */
export const TYPES = CONTRACT_CHANNELS
export type FeedType = (typeof TYPES)[number]
export const TICKER = 0
export const TRADE = 1
export const ORDERBOOK = 2
/** Orderbook depths Upbit serves; any other suffix gets the default (docs changelog 2025-07-02). */
export const DEPTHS = [1, 5, 15, 30] as const
export const DEFAULT_DEPTH = 30

export interface Channel {
  name: string
  type: number
  depth: number
}

export const CHANNELS: readonly Channel[] = [
  { name: 'ticker', type: TICKER, depth: 0 },
  { name: 'trade', type: TRADE, depth: 0 },
  ...DEPTHS.map((depth) => ({ name: `orderbook.${depth}`, type: ORDERBOOK, depth })),
]
export const KINDS = FORMATS.length * CHANNELS.length

export function kindOf(format: number, channel: number): number {
  return format * CHANNELS.length + channel
}

export function formatOfKind(kind: number): number {
  return Math.floor(kind / CHANNELS.length)
}

export function channelOfKind(kind: number): number {
  return kind % CHANNELS.length
}

export function channelOf(type: number, depth: number): number {
  return type === ORDERBOOK ? 2 + DEPTHS.indexOf(depth as (typeof DEPTHS)[number]) : type
}

/** The key GET /stats uses for a kind, e.g. `SIMPLE:orderbook.15`. */
export function kindName(kind: number): string {
  return `${FORMATS[formatOfKind(kind)]}:${CHANNELS[channelOfKind(kind)]!.name}`
}
