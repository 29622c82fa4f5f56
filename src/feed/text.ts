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
import { tickerKeyBytes, tickerKeys, tradeKeys, type TickerKey } from './keys.ts'
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

/** Runs cached per market and format: a power of two. */
const SLOTS = 256
const CHANGE = ['"FALL"', '"EVEN"', '"RISE"']
const SIDES = ['"BID"', '"ASK"']
const STREAMS = ['"REALTIME"}', '"SNAPSHOT"}']
/** Per format and side: `"BID","trade_volume":` */
const SIDE_RUN = [0, 1].map((f) => SIDES.map((side) => ascii(`${side}${tickerKeys(f).trade_volume}`)))
/** Per format and stream (0 REALTIME, 1 SNAPSHOT): the closing run. */
const TICKER_END = [0, 1].map((f) => STREAMS.map((st) => ascii(`${tickerKeys(f).stream_type}${st}`)))
const TRADE_END = [0, 1].map((f) => STREAMS.map((st) => ascii(`${tradeKeys(f).stream_type}${st}`)))

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
      const k = tickerKeys(this.f)
      this.keys[0]![slot] = p
      this.tradePrices[slot] = ascii(
        `${this.s.text.prices.get(p)}${k.prev_closing_price}${this.s.text.prevCloseText}${k.acc_trade_price}`,
      )
    }
    return this.tradePrices[slot]!
  }

  /** `,"change":…,"change_price":…,"signed_change_price":…,"change_rate":…,"signed_change_rate":…,"ask_bid":` */
  change(p: number): Uint8Array {
    const slot = p & (SLOTS - 1)
    if (this.keys[1]![slot] !== p) {
      const k = tickerKeys(this.f)
      const diff = p - this.s.prevClose
      const sign = diff < 0 ? '-' : ''
      const price = (Math.abs(diff) * this.s.tick).toFixed(8)
      const rate = (this.s.prevClose > 0 ? Math.abs(diff) / this.s.prevClose : 0).toFixed(10)
      this.keys[1]![slot] = p
      this.changes[slot] = ascii(
        `${k.change}${CHANGE[Math.sign(diff) + 1]}${k.change_price}${price}${k.signed_change_price}${sign}${price}` +
          `${k.change_rate}${rate}${k.signed_change_rate}${sign}${rate}${k.ask_bid}`,
      )
    }
    return this.changes[slot]!
  }

  /** The trade frame's `,"trade_price":<p>,"trade_volume":` (0), `"RISE","change_price":…,"sequential_id":` (1) and best ask/bid run (2). */
  trade(p: number): Uint8Array[] {
    const slot = p & (SLOTS - 1)
    if (this.keys[2]![slot] !== p) {
      const k = tradeKeys(this.f)
      const t = this.s.text
      const price = t.prices.get(p)
      const diff = p - this.s.prevClose
      this.keys[2]![slot] = p
      this.trades[slot] = [
        ascii(`${k.trade_price}${price}${k.trade_volume}`),
        ascii(
          `${CHANGE[Math.sign(diff) + 1]}${k.change_price}${(Math.abs(diff) * this.s.tick).toFixed(8)}${k.sequential_id}`,
        ),
        ascii(
          `${k.best_ask_price}${t.prices.get(p + 1)}${k.best_ask_size}${t.bestAskSizeText}` +
            `${k.best_bid_price}${price}${k.best_bid_size}${t.bestBidSizeText}`,
        ),
      ]
    }
    return this.trades[slot]!
  }
}

/** The constant pieces of a market, rendered once at start; `values52` are the 52-week price, date, price, date and the warning. */
export function marketText(s: Omit<TapeState, 'text'>, values52: string[]): MarketText {
  const prices = new PriceTexts(s.tick, s.decimals)
  const prevCloseText = (s.prevClose * s.tick).toFixed(8)
  const [high52, high52Date, low52, low52Date, warning] = values52
  const fixedValues: [TickerKey, string | undefined][] = [
    ['highest_52_week_price', high52],
    ['highest_52_week_date', high52Date],
    ['lowest_52_week_price', low52],
    ['lowest_52_week_date', low52Date],
    ['market_state', '"ACTIVE"'],
    ['is_trading_suspended', 'false'],
    ['delisting_date', 'null'],
    ['market_warning', warning],
  ]
  const formats = [0, 1]
  return {
    prices,
    prevCloseText,
    head: formats.map((f) =>
      ascii(`${s.prefixes[0]![f]}${tickerKeys(f).opening_price}${prices.get(s.open)}${tickerKeys(f).high_price}`),
    ),
    fixedRun: formats.map((f) =>
      ascii(fixedValues.map(([key, v]) => `${tickerKeys(f)[key]}${v}`).join('') + tickerKeys(f).timestamp),
    ),
    tradeHead: formats.map((f) => ascii(`${s.prefixes[1]![f]}${tradeKeys(f).timestamp}`)),
    tradeSide: formats.map((f) =>
      SIDES.map((side) => {
        const k = tradeKeys(f)
        return ascii(`${k.ask_bid}${side}${k.prev_closing_price}${prevCloseText}${k.change}`)
      }),
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
        ascii(
          `${tickerKeys(f).trade_date}"${date}"${tickerKeys(f).trade_time}"${time}"${tickerKeys(f).trade_timestamp}`,
        ),
      )
      this.tradeDates = [0, 1].map((f) =>
        ascii(`${tradeKeys(f).trade_date}"${d}"${tradeKeys(f).trade_time}"${t}"${tradeKeys(f).trade_timestamp}`),
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
  const k = tickerKeyBytes(f)
  const r = runs(s, f)
  const tradeMs = s.lastTradeMs || ts
  const made = t.highLowMadeFor
  if (made[2 * f] !== s.high || made[2 * f + 1] !== s.low) {
    made[2 * f] = s.high
    made[2 * f + 1] = s.low
    t.highLow[f] = ascii(
      `${t.prices.get(s.high)}${tickerKeys(f).low_price}${t.prices.get(s.low)}${tickerKeys(f).trade_price}`,
    )
  }
  out.put(t.head[f]!)
  out.put(t.highLow[f]!)
  out.put(r.tradePrice(s.price))
  out.putFixed8(s.accPrice)
  out.put(r.change(s.price))
  out.put(SIDE_RUN[f]![+s.lastAsk]!)
  out.putFixed8(s.lastVolume)
  out.put(k.acc_trade_volume)
  out.putFixed8(s.accVolume)
  out.put(clock.at(tradeMs).tickerDates[f]!)
  out.putUint(Math.floor(tradeMs))
  out.put(k.acc_ask_volume)
  out.putFixed8(s.accAsk)
  out.put(k.acc_bid_volume)
  out.putFixed8(s.accBid)
  out.put(t.fixedRun[f]!)
  out.putUint(Math.floor(ts))
  out.put(k.acc_trade_price_24h)
  out.putFixed8(s.price24h)
  out.put(k.acc_trade_volume_24h)
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
