/**
 * @module feed/text
 * Ticker and trade frames, in the key order of Upbit's documented examples, written into a Sink
 * (sink.ts) as few pieces as possible: this is the feed's hot path. Everything constant per
 * market (open, previous close, the 52-week run, best sizes) is rendered once at start; runs that
 * depend only on the price (trade price, the change block, best ask/bid) are cached per price in a
 * small direct-mapped cache (the walk moves a few ticks a step, so it nearly always hits); date and
 * time runs once per second; what changes every step (volumes, accumulators, timestamps) is written
 * as digits.
 */
import { ascii, type Sink } from './sink.ts'

export interface TapeState {
  /** `{"type":"ticker","code":"KRW-BTC"` and the trade one, per [ticker|trade][DEFAULT|SIMPLE]. */
  prefixes: [string, string][]
  tick: number
  decimals: number
  /** Prices in ticks. */
  price: number
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
  text: MarketText
}

/** One market's rendered pieces, per format (0 DEFAULT keys, 1 SIMPLE keys). */
export interface MarketText {
  prices: PriceTexts
  prevCloseText: string
  /** `{"type":"ticker","code":…,"opening_price":<open>,"high_price":` */
  head: Uint8Array[]
  /** The 52-week…market_warning run and `,"timestamp":` */
  fixedRun: Uint8Array[]
  /** `{"type":"trade","code":…,"timestamp":` */
  tradeHead: Uint8Array[]
  /** Per format and side (0 BID, 1 ASK): `,"ask_bid":"BID","prev_closing_price":<pcp>,"change":` */
  tradeSide: Uint8Array[][]
  /** `<high>,"low_price":<low>,"trade_price":`, remade when high or low move. */
  highLow: Uint8Array[]
  highLowMadeFor: number[]
  runs: Array<Runs | undefined>
  bestAskSizeText: string
  bestBidSizeText: string
}

/** Direct-mapped cache of price texts by ticks: a random walk of a few ticks a step nearly always hits. */
export class PriceTexts {
  private readonly keys = new Float64Array(128).fill(-1)
  private readonly texts: string[] = new Array<string>(128).fill('')
  private readonly bytesKeys = new Float64Array(128).fill(-1)
  private readonly bytes: Uint8Array[] = []
  constructor(
    private readonly tick: number,
    private readonly decimals: number,
  ) {}

  get(ticks: number): string {
    const slot = ticks & 127
    if (this.keys[slot] === ticks) return this.texts[slot]!
    const text = (ticks * this.tick).toFixed(this.decimals)
    this.keys[slot] = ticks
    this.texts[slot] = text
    return text
  }

  getBytes(ticks: number): Uint8Array {
    const slot = ticks & 127
    if (this.bytesKeys[slot] === ticks) return this.bytes[slot]!
    this.bytesKeys[slot] = ticks
    return (this.bytes[slot] = ascii(this.get(ticks)))
  }
}

const TICKER_KEYS = [
  [
    'opening_price',
    'high_price',
    'low_price',
    'trade_price',
    'prev_closing_price',
    'acc_trade_price',
    'change',
    'change_price',
    'signed_change_price',
    'change_rate',
    'signed_change_rate',
    'ask_bid',
    'trade_volume',
    'acc_trade_volume',
    'trade_date',
    'trade_time',
    'trade_timestamp',
    'acc_ask_volume',
    'acc_bid_volume',
    'highest_52_week_price',
    'highest_52_week_date',
    'lowest_52_week_price',
    'lowest_52_week_date',
    'market_state',
    'is_trading_suspended',
    'delisting_date',
    'market_warning',
    'timestamp',
    'acc_trade_price_24h',
    'acc_trade_volume_24h',
    'stream_type',
  ],
  [
    'op',
    'hp',
    'lp',
    'tp',
    'pcp',
    'atp',
    'c',
    'cp',
    'scp',
    'cr',
    'scr',
    'ab',
    'tv',
    'atv',
    'tdt',
    'ttm',
    'ttms',
    'aav',
    'abv',
    'h52wp',
    'h52wdt',
    'l52wp',
    'l52wdt',
    'ms',
    'its',
    'dd',
    'mw',
    'tms',
    'atp24h',
    'atv24h',
    'st',
  ],
].map((keys) => keys.map((k) => `,"${k}":`))
const TRADE_KEYS = [
  [
    'timestamp',
    'trade_date',
    'trade_time',
    'trade_timestamp',
    'trade_price',
    'trade_volume',
    'ask_bid',
    'prev_closing_price',
    'change',
    'change_price',
    'sequential_id',
    'best_ask_price',
    'best_ask_size',
    'best_bid_price',
    'best_bid_size',
    'stream_type',
  ],
  ['tms', 'td', 'ttm', 'ttms', 'tp', 'tv', 'ab', 'pcp', 'c', 'cp', 'sid', 'bap', 'bas', 'bbp', 'bbs', 'st'],
].map((keys) => keys.map((k) => `,"${k}":`))
/** Runs cached per market and format: a power of two. */
const SLOTS = 256
const CHANGE = ['"FALL"', '"EVEN"', '"RISE"']
const SIDES = ['"BID"', '"ASK"']
const STREAMS = ['"REALTIME"}', '"SNAPSHOT"}']
/** Per format: the ticker keys written between digits, as bytes. */
const TK = [0, 1].map((f) => TICKER_KEYS[f]!.map(ascii))
/** Per format and side: `"BID","trade_volume":` */
const SIDE_RUN = [0, 1].map((f) => SIDES.map((side) => ascii(`${side}${TICKER_KEYS[f]![12]}`)))
/** Per format and stream (0 REALTIME, 1 SNAPSHOT): the closing run. */
const TICKER_END = [0, 1].map((f) => STREAMS.map((st) => ascii(`${TICKER_KEYS[f]![30]}${st}`)))
const TRADE_END = [0, 1].map((f) => STREAMS.map((st) => ascii(`${TRADE_KEYS[f]![15]}${st}`)))

/** One format's runs of a market keyed by price (direct-mapped, like PriceTexts), each made on first use. */
class Runs {
  private readonly keys = [
    new Float64Array(SLOTS).fill(-1),
    new Float64Array(SLOTS).fill(-1),
    new Float64Array(SLOTS).fill(-1),
  ]
  private readonly tradePrices: Uint8Array[] = []
  private readonly changes: Uint8Array[] = []
  /** Per slot, the trade frame's three price runs. */
  private readonly trades: Uint8Array[][] = []
  constructor(
    private readonly s: TapeState,
    private readonly f: number,
  ) {}

  /** `<price>,"prev_closing_price":<pcp>,"acc_trade_price":` */
  tradePrice(p: number): Uint8Array {
    const slot = p & (SLOTS - 1)
    if (this.keys[0]![slot] !== p) {
      const k = TICKER_KEYS[this.f]!
      this.keys[0]![slot] = p
      this.tradePrices[slot] = ascii(`${this.s.text.prices.get(p)}${k[4]}${this.s.text.prevCloseText}${k[5]}`)
    }
    return this.tradePrices[slot]!
  }

  /** `,"change":…,"change_price":…,"signed_change_price":…,"change_rate":…,"signed_change_rate":…,"ask_bid":` */
  change(p: number): Uint8Array {
    const slot = p & (SLOTS - 1)
    if (this.keys[1]![slot] !== p) {
      const k = TICKER_KEYS[this.f]!
      const diff = p - this.s.prevClose
      const sign = diff < 0 ? '-' : ''
      const price = (Math.abs(diff) * this.s.tick).toFixed(8)
      const rate = (this.s.prevClose > 0 ? Math.abs(diff) / this.s.prevClose : 0).toFixed(10)
      this.keys[1]![slot] = p
      this.changes[slot] = ascii(
        `${k[6]}${CHANGE[Math.sign(diff) + 1]}${k[7]}${price}${k[8]}${sign}${price}${k[9]}${rate}${k[10]}${sign}${rate}${k[11]}`,
      )
    }
    return this.changes[slot]!
  }

  /** The trade frame's `,"trade_price":<p>,"trade_volume":` (0), `"RISE","change_price":…,"sequential_id":` (1) and best ask/bid run (2). */
  trade(p: number): Uint8Array[] {
    const slot = p & (SLOTS - 1)
    if (this.keys[2]![slot] !== p) {
      const k = TRADE_KEYS[this.f]!
      const t = this.s.text
      const price = t.prices.get(p)
      const diff = p - this.s.prevClose
      this.keys[2]![slot] = p
      this.trades[slot] = [
        ascii(`${k[4]}${price}${k[5]}`),
        ascii(`${CHANGE[Math.sign(diff) + 1]}${k[9]}${(Math.abs(diff) * this.s.tick).toFixed(8)}${k[10]}`),
        ascii(`${k[11]}${t.prices.get(p + 1)}${k[12]}${t.bestAskSizeText}${k[13]}${price}${k[14]}${t.bestBidSizeText}`),
      ]
    }
    return this.trades[slot]!
  }
}

/** The constant pieces of a market, rendered once at start; `values52` are the 52-week price, date, price, date and the warning. */
export function marketText(s: Omit<TapeState, 'text'>, values52: string[]): MarketText {
  const prices = new PriceTexts(s.tick, s.decimals)
  const prevCloseText = (s.prevClose * s.tick).toFixed(8)
  const fixedValues = [...values52.slice(0, 4), '"ACTIVE"', 'false', 'null', values52[4]!]
  const formats = [0, 1]
  return {
    prices,
    prevCloseText,
    head: formats.map((f) =>
      ascii(`${s.prefixes[0]![f]}${TICKER_KEYS[f]![0]}${prices.get(s.open)}${TICKER_KEYS[f]![1]}`),
    ),
    fixedRun: formats.map((f) =>
      ascii(fixedValues.map((v, i) => `${TICKER_KEYS[f]![19 + i]}${v}`).join('') + TICKER_KEYS[f]![27]),
    ),
    tradeHead: formats.map((f) => ascii(`${s.prefixes[1]![f]}${TRADE_KEYS[f]![0]}`)),
    tradeSide: formats.map((f) =>
      SIDES.map((side) => ascii(`${TRADE_KEYS[f]![6]}${side}${TRADE_KEYS[f]![7]}${prevCloseText}${TRADE_KEYS[f]![8]}`)),
    ),
    highLow: [new Uint8Array(0), new Uint8Array(0)],
    highLowMadeFor: [-1, -1, -1, -1],
    runs: [undefined, undefined],
    bestAskSizeText: s.baseVolume.toFixed(8),
    bestBidSizeText: (s.baseVolume * 1.5).toFixed(8),
  }
}

/** Per format, the date and time runs of the current second: yyyyMMdd/HHmmss for tickers, yyyy-MM-dd/HH:mm:ss for trades. */
export class Clock {
  private second = -1
  /** `,"trade_date":"20250727","trade_time":"051125","trade_timestamp":` */
  tickerDates: Uint8Array[] = []
  /** `,"trade_date":"2025-07-27","trade_time":"05:11:25","trade_timestamp":` */
  tradeDates: Uint8Array[] = []

  at(ms: number): this {
    const second = Math.floor(ms / 1000)
    if (second !== this.second) {
      this.second = second
      const iso = new Date(second * 1000).toISOString() // 2025-07-27T05:11:25.000Z
      const [d, t] = [iso.slice(0, 10), iso.slice(11, 19)]
      const [date, time] = [d.replaceAll('-', ''), t.replaceAll(':', '')]
      this.tickerDates = [0, 1].map((f) =>
        ascii(`${TICKER_KEYS[f]![14]}"${date}"${TICKER_KEYS[f]![15]}"${time}"${TICKER_KEYS[f]![16]}`),
      )
      this.tradeDates = [0, 1].map((f) =>
        ascii(`${TRADE_KEYS[f]![1]}"${d}"${TRADE_KEYS[f]![2]}"${t}"${TRADE_KEYS[f]![3]}`),
      )
    }
    return this
  }
}

function runs(s: TapeState, f: number): Runs {
  return (s.text.runs[f] ??= new Runs(s, f))
}

/** 22 pieces: 14 copies of cached bytes and 8 numbers written as digits. */
export function writeTicker(out: Sink, s: TapeState, f: number, ts: number, snapshot: number, clock: Clock): void {
  const t = s.text
  const k = TK[f]!
  const r = runs(s, f)
  const tradeMs = s.lastTradeMs || ts
  const made = t.highLowMadeFor
  if (made[2 * f] !== s.high || made[2 * f + 1] !== s.low) {
    made[2 * f] = s.high
    made[2 * f + 1] = s.low
    t.highLow[f] = ascii(`${t.prices.get(s.high)}${TICKER_KEYS[f]![2]}${t.prices.get(s.low)}${TICKER_KEYS[f]![3]}`)
  }
  out.put(t.head[f]!)
  out.put(t.highLow[f]!)
  out.put(r.tradePrice(s.price))
  out.putFixed8(s.accPrice)
  out.put(r.change(s.price))
  out.put(SIDE_RUN[f]![+s.lastAsk]!)
  out.putFixed8(s.lastVolume)
  out.put(k[13]!)
  out.putFixed8(s.accVolume)
  out.put(clock.at(tradeMs).tickerDates[f]!)
  out.putUint(Math.floor(tradeMs))
  out.put(k[17]!)
  out.putFixed8(s.accAsk)
  out.put(k[18]!)
  out.putFixed8(s.accBid)
  out.put(t.fixedRun[f]!)
  out.putUint(Math.floor(ts))
  out.put(k[28]!)
  out.putFixed8(s.price24h)
  out.put(k[29]!)
  out.putFixed8(s.volume24h)
  out.put(TICKER_END[f]![snapshot]!)
}

export function writeTrade(out: Sink, s: TapeState, f: number, ts: number, snapshot: number, clock: Clock): void {
  const t = s.text
  const runs3 = runs(s, f).trade(s.price)
  const tradeMs = Math.floor(s.lastTradeMs || ts)
  out.put(t.tradeHead[f]!)
  out.putUint(Math.floor(ts))
  out.put(clock.at(tradeMs).tradeDates[f]!)
  out.putUint(tradeMs)
  out.put(runs3[0]!)
  out.putFixed8(s.lastVolume)
  out.put(t.tradeSide[f]![+s.lastAsk]!)
  out.put(runs3[1]!)
  out.putUint(tradeMs * 1000 + (s.sequence % 1000))
  out.put(runs3[2]!)
  out.put(TRADE_END[f]![snapshot]!)
}
