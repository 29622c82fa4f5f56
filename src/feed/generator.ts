/**
 * @module feed/generator
 * Seeded market generator. One step is one trade on one market: its price is a random walk in whole
 * exchange ticks (so prices never drift into float noise), with accumulating volumes, so two runs
 * with the same seed produce the same sequence. A step renders as a ticker, a trade or an orderbook
 * frame (orderbook.ts), whichever its subscribers asked for. Frames are built from string
 * templates with cached key prefixes: at 100,000 msg/s a JSON.stringify per message would cost
 * more CPU than the whole rest of the feed.
 */
import { DEFAULT_DEPTH, ORDERBOOK, TICKER } from './channels.ts'
import type { Market } from './markets.ts'
import { renderOrderbook, type BookState } from './orderbook.ts'
import { cumulativeWeights, pick, type Profile } from './profile.ts'
import { derive, type Rng } from './random.ts'

export type StreamType = 'REALTIME' | 'SNAPSHOT'

/** [DEFAULT key, SIMPLE key] in the order of Upbit's documented example frames. */
const TICKER_KEYS: Array<[string, string]> = [
  ['opening_price', 'op'], ['high_price', 'hp'], ['low_price', 'lp'], ['trade_price', 'tp'],
  ['prev_closing_price', 'pcp'], ['acc_trade_price', 'atp'], ['change', 'c'], ['change_price', 'cp'],
  ['signed_change_price', 'scp'], ['change_rate', 'cr'], ['signed_change_rate', 'scr'], ['ask_bid', 'ab'],
  ['trade_volume', 'tv'], ['acc_trade_volume', 'atv'], ['trade_date', 'tdt'], ['trade_time', 'ttm'],
  ['trade_timestamp', 'ttms'], ['acc_ask_volume', 'aav'], ['acc_bid_volume', 'abv'],
  ['highest_52_week_price', 'h52wp'], ['highest_52_week_date', 'h52wdt'], ['lowest_52_week_price', 'l52wp'],
  ['lowest_52_week_date', 'l52wdt'], ['market_state', 'ms'], ['is_trading_suspended', 'its'],
  ['delisting_date', 'dd'], ['market_warning', 'mw'], ['timestamp', 'tms'], ['acc_trade_price_24h', 'atp24h'],
  ['acc_trade_volume_24h', 'atv24h'], ['stream_type', 'st'],
]
const TRADE_KEYS: Array<[string, string]> = [
  ['timestamp', 'tms'], ['trade_date', 'td'], ['trade_time', 'ttm'], ['trade_timestamp', 'ttms'],
  ['trade_price', 'tp'], ['trade_volume', 'tv'], ['ask_bid', 'ab'], ['prev_closing_price', 'pcp'],
  ['change', 'c'], ['change_price', 'cp'], ['sequential_id', 'sid'], ['best_ask_price', 'bap'],
  ['best_ask_size', 'bas'], ['best_bid_price', 'bbp'], ['best_bid_size', 'bbs'], ['stream_type', 'st'],
]
/** Pre-rendered `,"key":` separators per [type][simple?]. */
const SEPARATORS = [TICKER_KEYS, TRADE_KEYS].map((keys) => [0, 1].map((s) => keys.map((k) => `,"${k[s]}":`)))

interface MarketState extends BookState {
  code: string
  /** `{"type":"ticker","code":"KRW-BTC"` and friends, per [type][simple?]. */
  prefixes: [string, string][]
  tick: number
  decimals: number
  price: number // in ticks
  open: number
  high: number
  low: number
  prevClose: number
  accVolume: number
  accPrice: number
  accAsk: number
  accBid: number
  volume24h: number
  price24h: number
  lastVolume: number
  lastAsk: boolean
  lastTradeMs: number
  sequence: number
  baseVolume: number
  high52: string
  high52Date: string
  low52: string
  low52Date: string
  warning: string
}

/** Rough real price levels (KRW) of the majors, so the busiest markets look familiar. */
const KRW_LEVELS: Record<string, number> = {
  BTC: 150_000_000, ETH: 5_200_000, XRP: 4_200, SOL: 280_000, DOGE: 320, USDT: 1_390, SUI: 5_400, ADA: 1_100, TRX: 480, PEPE: 0.018,
}
const KRW_PER_BTC = 150_000_000
const KRW_PER_USDT = 1_390

/** Upbit's KRW tick table (approximate): a step of one tick is a few basis points at every level. */
function krwTick(price: number): number {
  const table: Array<[number, number]> = [[2e6, 1000], [1e6, 500], [5e5, 100], [1e5, 50], [1e4, 10], [1e3, 1], [100, 0.1], [10, 0.01], [1, 0.001], [0.1, 0.0001]]
  for (const [floor, tick] of table) if (price >= floor) return tick
  return 0.00001
}

function decimalsOf(tick: number): number {
  return tick >= 1 ? 0 : Math.min(8, Math.round(-Math.log10(tick)))
}

export class Generator {
  readonly codes: string[]
  private readonly states: MarketState[]
  private readonly cumulative: Float64Array
  private readonly rng: Rng
  private dateSecond = -1
  private dates = ['', '', '', ''] // yyyyMMdd, HHmmss, yyyy-MM-dd, HH:mm:ss

  constructor(markets: Market[], seed: number, profile: Profile) {
    this.codes = markets.map((m) => m.market)
    this.cumulative = cumulativeWeights(this.codes, profile)
    this.rng = derive(seed, 'sequence')
    const init = derive(seed, 'init')
    this.states = markets.map((m, i) => initialState(m, init, this.cumulative[i]! - (i > 0 ? this.cumulative[i - 1]! : 0)))
    // a stream of its own, so the ticker and trade frames of a seed stay what they were before books existed
    const books = derive(seed, 'book')
    for (const s of this.states) s.bookSeed = Math.floor(books() * 4294967296) | 0
  }

  /** Advances the global sequence by one trade and returns the index of the market it hit. */
  step(timestampMs: number): number {
    const rng = this.rng
    const index = pick(this.cumulative, rng())
    const s = this.states[index]!
    const r = rng()
    // three-tick steps with a weak pull back to the open keep prices in a realistic band for hours
    let move = Math.floor(r * 7) - 3
    if (s.price > s.open * 1.1 && move > 0) move = -move
    else if (s.price < s.open * 0.9 && move < 0) move = -move
    s.price = Math.max(1, s.price + move)
    if (s.price > s.high) s.high = s.price
    if (s.price < s.low) s.low = s.price
    const volume = round8(s.baseVolume * -Math.log(1 - rng() * 0.999999))
    const ask = rng() < 0.5
    const value = volume * s.price * s.tick
    s.lastVolume = volume
    s.lastAsk = ask
    s.lastTradeMs = timestampMs
    s.sequence++
    s.accVolume += volume
    s.accPrice += value
    s.volume24h += volume
    s.price24h += value
    if (ask) s.accAsk += volume
    else s.accBid += volume
    return index
  }

  /** One frame for the market's current state; `depth` is the orderbook's number of levels. */
  render(index: number, format: number, type: number, timestampMs: number, stream: StreamType, depth = DEFAULT_DEPTH): string {
    const s = this.states[index]!
    const simple = format & 1
    let out: string
    if (type === ORDERBOOK) out = renderOrderbook(s, simple, depth, timestampMs, stream)
    else {
      const seps = SEPARATORS[type]![simple]!
      const v = type === TICKER ? this.tickerValues(s, timestampMs, stream) : this.tradeValues(s, timestampMs, stream)
      out = s.prefixes[type]![simple]!
      for (let i = 0; i < v.length; i++) out += seps[i]! + v[i]!
      out += '}'
    }
    return format >= 2 ? `[${out}]` : out
  }

  private updateDates(ms: number): void {
    const second = Math.floor(ms / 1000)
    if (second === this.dateSecond) return
    this.dateSecond = second
    const iso = new Date(second * 1000).toISOString() // 2025-07-27T05:11:25.000Z
    const d = iso.slice(0, 10)
    const t = iso.slice(11, 19)
    this.dates = [`"${d.replaceAll('-', '')}"`, `"${t.replaceAll(':', '')}"`, `"${d}"`, `"${t}"`]
  }

  private tickerValues(s: MarketState, ts: number, stream: StreamType): string[] {
    const tradeMs = s.lastTradeMs || ts
    this.updateDates(tradeMs)
    const diff = s.price - s.prevClose
    const change = diff > 0 ? '"RISE"' : diff < 0 ? '"FALL"' : '"EVEN"'
    const changePrice = Math.abs(diff) * s.tick
    const rate = s.prevClose > 0 ? Math.abs(diff) / s.prevClose : 0
    const sign = diff < 0 ? '-' : ''
    return [
      this.price(s, s.open), this.price(s, s.high), this.price(s, s.low), this.price(s, s.price),
      (s.prevClose * s.tick).toFixed(8), s.accPrice.toFixed(8), change, changePrice.toFixed(8),
      sign + changePrice.toFixed(8), rate.toFixed(10), sign + rate.toFixed(10), s.lastAsk ? '"ASK"' : '"BID"',
      s.lastVolume.toFixed(8), s.accVolume.toFixed(8), this.dates[0]!, this.dates[1]!,
      String(Math.floor(tradeMs)), s.accAsk.toFixed(8), s.accBid.toFixed(8),
      s.high52, s.high52Date, s.low52, s.low52Date, '"ACTIVE"', 'false',
      'null', s.warning, String(Math.floor(ts)), s.price24h.toFixed(8),
      s.volume24h.toFixed(8), stream === 'REALTIME' ? '"REALTIME"' : '"SNAPSHOT"',
    ]
  }

  private tradeValues(s: MarketState, ts: number, stream: StreamType): string[] {
    const tradeMs = s.lastTradeMs || ts
    this.updateDates(tradeMs)
    const diff = s.price - s.prevClose
    return [
      String(Math.floor(ts)), this.dates[2]!, this.dates[3]!, String(Math.floor(tradeMs)),
      this.price(s, s.price), s.lastVolume.toFixed(8), s.lastAsk ? '"ASK"' : '"BID"', (s.prevClose * s.tick).toFixed(8),
      diff > 0 ? '"RISE"' : diff < 0 ? '"FALL"' : '"EVEN"', (Math.abs(diff) * s.tick).toFixed(8),
      String(Math.floor(tradeMs) * 1000 + (s.sequence % 1000)), this.price(s, s.price + 1), s.baseVolume.toFixed(8),
      this.price(s, s.price), (s.baseVolume * 1.5).toFixed(8), stream === 'REALTIME' ? '"REALTIME"' : '"SNAPSHOT"',
    ]
  }

  private price(s: MarketState, ticks: number): string {
    return (ticks * s.tick).toFixed(s.decimals)
  }
}

function round8(x: number): number {
  return Math.round(x * 1e8) / 1e8 || 1e-8
}

function initialState(m: Market, rng: Rng, share: number): MarketState {
  const code = m.market
  const [quote, base] = code.split('-') as [string, string]
  const krw = KRW_LEVELS[base] ?? Math.pow(10, rng() * 5) // log-uniform 1 .. 100,000 KRW
  let price: number
  let tick: number
  if (quote === 'BTC') {
    price = krw / KRW_PER_BTC
    tick = 1e-8
  } else if (quote === 'USDT') {
    price = krw / KRW_PER_USDT
    tick = Math.max(1e-8, Math.pow(10, Math.floor(Math.log10(price)) - 4))
  } else {
    price = krw
    tick = krwTick(price)
  }
  const ticks = Math.max(100, Math.round(price / tick))
  const prevClose = Math.max(1, Math.round(ticks * (0.95 + rng() * 0.1)))
  // volume scales with activity, so busy markets also trade more value per day
  const baseVolume = round8((1e6 / Math.max(krw, 1e-6)) * (0.2 + rng()))
  const dailyTrades = Math.round(50_000 * share * 536 * (0.5 + rng()))
  const accVolume = baseVolume * dailyTrades * 0.4
  const accPrice = accVolume * ticks * tick
  const askShare = 0.4 + rng() * 0.2
  const tag = (prefixType: string, simple: boolean) =>
    simple ? `{"ty":"${prefixType}","cd":"${code}"` : `{"type":"${prefixType}","code":"${code}"`
  return {
    code,
    prefixes: [[tag('ticker', false), tag('ticker', true)], [tag('trade', false), tag('trade', true)]],
    prefix: [tag('orderbook', false), tag('orderbook', true)],
    bookSeed: 0,
    tick,
    decimals: decimalsOf(tick),
    price: ticks,
    open: prevClose,
    high: Math.max(ticks, prevClose),
    low: Math.min(ticks, prevClose),
    prevClose,
    accVolume,
    accPrice,
    accAsk: accVolume * askShare,
    accBid: accVolume * (1 - askShare),
    volume24h: accVolume * 2.1,
    price24h: accPrice * 2.1,
    lastVolume: baseVolume,
    lastAsk: false,
    lastTradeMs: 0,
    sequence: 0,
    baseVolume,
    high52: (ticks * tick * (1.3 + rng())).toFixed(8),
    high52Date: `"2025-0${1 + Math.floor(rng() * 6)}-1${Math.floor(rng() * 10)}"`,
    low52: (ticks * tick * (0.3 + rng() * 0.5)).toFixed(8),
    low52Date: `"2024-1${Math.floor(rng() * 3)}-2${Math.floor(rng() * 9)}"`,
    warning: m.market_event?.warning ? '"CAUTION"' : '"NONE"',
  }
}
