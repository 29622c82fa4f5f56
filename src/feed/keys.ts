/**
 * @module feed/keys
 * The ticker's and the trade's keys in the order of Upbit's documented examples, by name, in both
 * formats (DEFAULT's long names, SIMPLE's short ones), each as the run `,"key":` written before
 * its value. The order of the objects is the order of the frame.
 */
import { ascii } from './sink.ts'

const TICKER = {
  opening_price: 'op',
  high_price: 'hp',
  low_price: 'lp',
  trade_price: 'tp',
  prev_closing_price: 'pcp',
  acc_trade_price: 'atp',
  change: 'c',
  change_price: 'cp',
  signed_change_price: 'scp',
  change_rate: 'cr',
  signed_change_rate: 'scr',
  ask_bid: 'ab',
  trade_volume: 'tv',
  acc_trade_volume: 'atv',
  trade_date: 'tdt',
  trade_time: 'ttm',
  trade_timestamp: 'ttms',
  acc_ask_volume: 'aav',
  acc_bid_volume: 'abv',
  highest_52_week_price: 'h52wp',
  highest_52_week_date: 'h52wdt',
  lowest_52_week_price: 'l52wp',
  lowest_52_week_date: 'l52wdt',
  market_state: 'ms',
  is_trading_suspended: 'its',
  delisting_date: 'dd',
  market_warning: 'mw',
  timestamp: 'tms',
  acc_trade_price_24h: 'atp24h',
  acc_trade_volume_24h: 'atv24h',
  stream_type: 'st',
} as const

const TRADE = {
  timestamp: 'tms',
  trade_date: 'td',
  trade_time: 'ttm',
  trade_timestamp: 'ttms',
  trade_price: 'tp',
  trade_volume: 'tv',
  ask_bid: 'ab',
  prev_closing_price: 'pcp',
  change: 'c',
  change_price: 'cp',
  sequential_id: 'sid',
  best_ask_price: 'bap',
  best_ask_size: 'bas',
  best_bid_price: 'bbp',
  best_bid_size: 'bbs',
  stream_type: 'st',
} as const

export type TickerKey = keyof typeof TICKER
export type TradeKey = keyof typeof TRADE
type Runs<K extends string, V> = Readonly<Record<K, V>>

/** Per format (0 DEFAULT, 1 SIMPLE): key name → its `,"key":` run. */
function runs<K extends string>(simple: Record<K, string>): [Runs<K, string>, Runs<K, string>] {
  const names = Object.keys(simple) as K[]
  const of = (key: (name: K) => string) =>
    Object.fromEntries(names.map((name) => [name, `,"${key(name)}":`])) as Runs<K, string>
  return [of((name) => name), of((name) => simple[name])]
}

const bytes = <K extends string>(texts: Runs<K, string>) =>
  Object.fromEntries(Object.entries(texts).map(([k, v]) => [k, ascii(v as string)])) as Runs<K, Uint8Array>

const TICKER_RUNS = runs<TickerKey>(TICKER)
const TRADE_RUNS = runs<TradeKey>(TRADE)
const TICKER_BYTES = [bytes(TICKER_RUNS[0]), bytes(TICKER_RUNS[1])] as const

/** The ticker's `,"key":` runs in format `f` (0 DEFAULT, 1 SIMPLE). */
export const tickerKeys = (f: number): Runs<TickerKey, string> => (f === 0 ? TICKER_RUNS[0] : TICKER_RUNS[1])
/** The same as bytes, for the hot path. */
export const tickerKeyBytes = (f: number): Runs<TickerKey, Uint8Array> => (f === 0 ? TICKER_BYTES[0] : TICKER_BYTES[1])
/** The trade's `,"key":` runs in format `f`. */
export const tradeKeys = (f: number): Runs<TradeKey, string> => (f === 0 ? TRADE_RUNS[0] : TRADE_RUNS[1])
