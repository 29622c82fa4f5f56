/**
 * @module feed/orderbook
 * Orderbook frames (type `orderbook`). Like Upbit's, every message is a full top-N book, not a
 * delta (ccxt resets its book on each one). The book sits around the market's last trade: best bid
 * at the trade price, best ask one tick above (as the trade frame's best_bid/best_ask say), one
 * tick between levels. Sizes are a pure function of (seed, market, the market's trade sequence,
 * level): the book is deterministic from the seed whether or not anyone subscribed to it before,
 * and rendering it draws nothing from the generator's random sequence, so ticker and trade frames
 * are the same with or without orderbook subscribers.
 *
 * Key order follows ccxt's capture of a real frame (type, code, timestamp, totals, units,
 * stream_type) with `level` last, as the current docs list it; SIMPLE keys are the documented ones.
 */
import { flat, type Clock, type PriceTexts, type Sink } from './text.ts'

export interface BookState {
  /** `{"type":"orderbook","code":"KRW-BTC"` and its SIMPLE twin. */
  prefix: [string, string]
  price: number
  baseVolume: number
  sequence: number
  bookSeed: number
}

const KEYS = [
  [',"timestamp":', ',"total_ask_size":', ',"total_bid_size":', ',"orderbook_units":[', '{"ask_price":', ',"bid_price":', ',"ask_size":', ',"bid_size":', '],"stream_type":', ',"level":0}'],
  [',"tms":', ',"tas":', ',"tbs":', ',"obu":[', '{"ap":', ',"bp":', ',"as":', ',"bs":', '],"st":', ',"lv":0}'],
].map((keys) => keys.map(flat))
const STREAM = ['"REALTIME"', '"SNAPSHOT"']

/** A uniform draw in [0, 1) from four integers (murmur3's finaliser): no state, so any level of any book can be drawn in any order. */
function unit(seed: number, sequence: number, slot: number): number {
  let h = Math.imul(seed ^ Math.imul(sequence, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(slot + 1, 0xc2b2ae35)
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d)
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

const askSizes: string[] = []
const bidSizes: string[] = []

export function writeOrderbook(out: Sink, s: BookState, prices: PriceTexts, simple: number, depth: number, timestampMs: number, snapshot: number, clock: Clock): void {
  const k = KEYS[simple]!
  let askTotal = 0
  let bidTotal = 0
  for (let i = 0; i < depth; i++) {
    // deeper levels hold more, as real books tend to
    const scale = s.baseVolume * (0.2 + i * 0.15)
    const ask = Math.round(scale * (0.05 + 3 * unit(s.bookSeed, s.sequence, 2 * i)) * 1e8) / 1e8
    const bid = Math.round(scale * (0.05 + 3 * unit(s.bookSeed, s.sequence, 2 * i + 1)) * 1e8) / 1e8
    askTotal += ask
    bidTotal += bid
    askSizes[i] = ask.toFixed(8)
    bidSizes[i] = bid.toFixed(8)
  }
  out.put(s.prefix[simple]!)
  out.put(k[0]!)
  out.put(clock.at(timestampMs))
  out.put(k[1]!)
  out.put(askTotal.toFixed(8))
  out.put(k[2]!)
  out.put(bidTotal.toFixed(8))
  out.put(k[3]!)
  for (let i = 0; i < depth; i++) {
    if (i > 0) out.put(',')
    out.put(k[4]!)
    out.put(prices.get(s.price + 1 + i))
    out.put(k[5]!)
    out.put(prices.get(Math.max(1, s.price - i)))
    out.put(k[6]!)
    out.put(askSizes[i]!)
    out.put(k[7]!)
    out.put(bidSizes[i]!)
    out.put('}')
  }
  out.put(k[8]!)
  out.put(STREAM[snapshot]!)
  out.put(k[9]!)
}
