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
import { writeOrderbook, type BookState } from './orderbook.ts'
import { cumulativeWeights, pick, type Profile } from './profile.ts'
import { derive, type Rng } from './random.ts'
import { ascii, Sink } from './sink.ts'
import { Clock, marketText, writeTicker, writeTrade, type TapeState } from './text.ts'

export type StreamType = 'REALTIME' | 'SNAPSHOT'
const OPEN_LIST = ascii('[')
const CLOSE_LIST = ascii(']')

interface MarketState extends BookState, TapeState {
  code: string
}

/** Rough real price levels (KRW) of the majors, so the busiest markets look familiar. */
const KRW_LEVELS: Record<string, number> = {
  BTC: 150_000_000,
  ETH: 5_200_000,
  XRP: 4_200,
  SOL: 280_000,
  DOGE: 320,
  USDT: 1_390,
  SUI: 5_400,
  ADA: 1_100,
  TRX: 480,
  PEPE: 0.018,
}
const KRW_PER_BTC = 150_000_000
const KRW_PER_USDT = 1_390

/** Upbit's KRW tick table (approximate): a step of one tick is a few basis points at every level. */
function krwTick(price: number): number {
  const table: Array<[number, number]> = [
    [2e6, 1000],
    [1e6, 500],
    [5e5, 100],
    [1e5, 50],
    [1e4, 10],
    [1e3, 1],
    [100, 0.1],
    [10, 0.01],
    [1, 0.001],
    [0.1, 0.0001],
  ]
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
  private readonly clock = new Clock()
  private readonly sink = new Sink()

  constructor(markets: Market[], seed: number, profile: Profile) {
    this.codes = markets.map((m) => m.market)
    this.cumulative = cumulativeWeights(this.codes, profile)
    this.rng = derive(seed, 'sequence')
    const init = derive(seed, 'init')
    this.states = markets.map((m, i) =>
      initialState(m, init, this.cumulative[i]! - (i > 0 ? this.cumulative[i - 1]! : 0)),
    )
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

  /** Writes one frame of the market's current state at `out`'s position; `depth` is the orderbook's number of levels. */
  write(
    out: Sink,
    index: number,
    format: number,
    type: number,
    timestampMs: number,
    stream: StreamType,
    depth = DEFAULT_DEPTH,
  ): void {
    const s = this.states[index]!
    const simple = format & 1
    const snapshot = stream === 'SNAPSHOT' ? 1 : 0
    // the *_LIST formats wrap each frame in an array
    if (format >= 2) out.put(OPEN_LIST)
    if (type === TICKER) writeTicker(out, s, simple, timestampMs, snapshot, this.clock)
    else if (type === ORDERBOOK) writeOrderbook(out, s, s.text.prices, simple, depth, timestampMs, snapshot)
    else writeTrade(out, s, simple, timestampMs, snapshot, this.clock)
    if (format >= 2) out.put(CLOSE_LIST)
  }

  /** The same frame as a string, for callers off the hot path. */
  render(
    index: number,
    format: number,
    type: number,
    timestampMs: number,
    stream: StreamType,
    depth = DEFAULT_DEPTH,
  ): string {
    const out = this.sink
    out.pos = 0
    this.write(out, index, format, type, timestampMs, stream, depth)
    return out.text()
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
  const state = {
    code,
    prefixes: [
      [tag('ticker', false), tag('ticker', true)],
      [tag('trade', false), tag('trade', true)],
    ] as [string, string][],
    prefix: [tag('orderbook', false), tag('orderbook', true)] as [string, string],
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
  }
  // the draws stay in this order: a seed's markets are what they were
  const values52 = [
    (ticks * tick * (1.3 + rng())).toFixed(8),
    `"2025-0${1 + Math.floor(rng() * 6)}-1${Math.floor(rng() * 10)}"`,
    (ticks * tick * (0.3 + rng() * 0.5)).toFixed(8),
    `"2024-1${Math.floor(rng() * 3)}-2${Math.floor(rng() * 9)}"`,
    m.market_event?.warning ? '"CAUTION"' : '"NONE"',
  ]
  return { ...state, text: marketText(state, values52) }
}
