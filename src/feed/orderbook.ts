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
import { ascii, type Sink } from './sink.ts'
import type { PriceTexts } from './text.ts'

export interface BookState {
  /** `{"type":"orderbook","code":"KRW-BTC"` and its SIMPLE twin. */
  prefix: [string, string]
  price: number
  baseVolume: number
  sequence: number
  bookSeed: number
  /** Per format: `prefix,"timestamp":`, made on first use. */
  bookHead?: Uint8Array[]
}

const KEYS = [
  [
    ',"timestamp":',
    ',"total_ask_size":',
    ',"total_bid_size":',
    ',"orderbook_units":[{"ask_price":',
    ',"bid_price":',
    ',"ask_size":',
    ',"bid_size":',
    '},{"ask_price":',
    '}],"stream_type":',
  ],
  [',"tms":', ',"tas":', ',"tbs":', ',"obu":[{"ap":', ',"bp":', ',"as":', ',"bs":', '},{"ap":', '}],"st":'],
]
const K = KEYS.map((keys) => keys.map(ascii))
/** Per format and stream (0 REALTIME, 1 SNAPSHOT): the closing run. */
const END = [0, 1].map((f) =>
  ['"REALTIME",', '"SNAPSHOT",'].map((st) => ascii(`${KEYS[f]![8]}${st}${f ? '"lv"' : '"level"'}:0}`)),
)

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

const askSizes = new Float64Array(32)
const bidSizes = new Float64Array(32)

export function writeOrderbook(
  out: Sink,
  s: BookState,
  prices: PriceTexts,
  f: number,
  depth: number,
  timestampMs: number,
  snapshot: number,
): void {
  const k = K[f]!
  let askTotal = 0
  let bidTotal = 0
  for (let i = 0; i < depth; i++) {
    // deeper levels hold more, as real books tend to
    const scale = s.baseVolume * (0.2 + i * 0.15)
    const ask = Math.round(scale * (0.05 + 3 * unit(s.bookSeed, s.sequence, 2 * i)) * 1e8) / 1e8
    const bid = Math.round(scale * (0.05 + 3 * unit(s.bookSeed, s.sequence, 2 * i + 1)) * 1e8) / 1e8
    askTotal += ask
    bidTotal += bid
    askSizes[i] = ask
    bidSizes[i] = bid
  }
  s.bookHead ??= [0, 1].map((g) => ascii(`${s.prefix[g]}${KEYS[g]![0]}`))
  out.put(s.bookHead[f]!)
  out.putUint(Math.floor(timestampMs))
  out.put(k[1]!)
  out.putFixed8(askTotal)
  out.put(k[2]!)
  out.putFixed8(bidTotal)
  out.put(k[3]!)
  for (let i = 0; i < depth; i++) {
    if (i > 0) out.put(k[7]!)
    out.put(prices.getBytes(s.price + 1 + i))
    out.put(k[4]!)
    out.put(prices.getBytes(Math.max(1, s.price - i)))
    out.put(k[5]!)
    out.putFixed8(askSizes[i]!)
    out.put(k[6]!)
    out.putFixed8(bidSizes[i]!)
  }
  out.put(END[f]![snapshot]!)
}
