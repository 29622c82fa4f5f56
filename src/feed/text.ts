/**
 * @module feed/text
 * The text of ticker and trade frames, in the key order of Upbit's documented examples. This is
 * the feed's hot path at 100,000+ msg/s, where number formatting is most of a frame's cost
 * (toFixed is ~100 ns, and JS-side digit code is no faster in JSC). So every number is formatted at
 * most once: values constant per market (open, previous close, the 52-week run) at start, prices
 * and price changes through small per-market caches (the walk moves a few ticks at a time),
 * millisecond timestamps once per millisecond, and the accumulators once per step whatever number
 * of formats and types render it.
 */

/**
 * A string built by concatenation is a rope in JSC, and a rope used inside another string is
 * copied leaf by leaf every time (a 30-piece constant cost ~500 ns per frame instead of ~10):
 * strings kept for reuse are flattened once, here.
 */
export function flat(s: string): string {
  s.charCodeAt(0)
  return s
}

export interface TapeState {
  /** `{"type":"ticker","code":"KRW-BTC"` and friends, per [ticker|trade][DEFAULT|SIMPLE]. */
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

/** Formatted values of one market, each kept until its value changes. */
export interface MarketText {
  prices: PriceTexts
  /** Per format: `prefix,"opening_price":<open>,"high_price":`, constant. */
  head: [string, string]
  /** Per format: `,"prev_closing_price":<pcp>,"acc_trade_price":`, constant. */
  pcpRun: [string, string]
  /** Per format: the 52-week…market_warning run and `,"timestamp":`, constant. */
  fixedRun: [string, string]
  prevCloseText: string
  bestAskSizeText: string
  bestBidSizeText: string
  /** Per format, lazily: flat runs of text keyed by price, for frames of few pieces (see flat()). */
  runs: [Runs | undefined, Runs | undefined]
  /** Per format: `<high>,"low_price":<low>,"trade_price":`, and the high and low it was made for. */
  highLow: [string, string]
  highLowMadeFor: [number, number, number, number]
  /** The step (sequence) the per-step texts below belong to. */
  step: number
  volume: string
  accVolume: string
  accPrice: string
  volume24h: string
  price24h: string
  accAsk: string
  accBid: string
}

/** Direct-mapped cache of price texts by ticks: a random walk of a few ticks a step nearly always hits. */
export class PriceTexts {
  private readonly keys = new Float64Array(128).fill(-1)
  private readonly texts: string[] = new Array<string>(128).fill('')
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
}

/** One format's runs of a market keyed by price (direct-mapped, like PriceTexts); each made on first use. */
export class Runs {
  private readonly keys = [new Float64Array(64).fill(-1), new Float64Array(64).fill(-1), new Float64Array(64).fill(-1)]
  private readonly texts: string[][] = [[], [], []]
  constructor(
    private readonly s: Omit<TapeState, 'text'>,
    private readonly t: MarketText,
    private readonly f: number,
  ) {}

  /** `<price>,"prev_closing_price":<pcp>,"acc_trade_price":` */
  tradePrice(p: number): string {
    const slot = p & 63
    if (this.keys[0]![slot] === p) return this.texts[0]![slot]!
    this.keys[0]![slot] = p
    return (this.texts[0]![slot] = flat(`${this.t.prices.get(p)}${this.t.pcpRun[this.f]}`))
  }

  /** `,"change":..,"change_price":..,"signed_change_price":..,"change_rate":..,"signed_change_rate":..,"ask_bid":` */
  change(p: number): string {
    const slot = p & 63
    if (this.keys[1]![slot] === p) return this.texts[1]![slot]!
    const k = TICKER_KEYS[this.f]!
    const diff = p - this.s.prevClose
    const sign = diff < 0 ? '-' : ''
    const price = (Math.abs(diff) * this.s.tick).toFixed(8)
    const rate = (this.s.prevClose > 0 ? Math.abs(diff) / this.s.prevClose : 0).toFixed(10)
    this.keys[1]![slot] = p
    return (this.texts[1]![slot] = flat(`${k[6]}${CHANGE[Math.sign(diff) + 1]}${k[7]}${price}${k[8]}${sign}${price}${k[9]}${rate}${k[10]}${sign}${rate}${k[11]}`))
  }

  /** The trade frame's `"RISE","change_price":..,"sequential_id":` and, after the id, its best ask/bid run, in one slot. */
  trade(p: number): [string, string] {
    const slot = p & 63
    if (this.keys[2]![slot] !== p) {
      const k = TRADE_KEYS[this.f]!
      const diff = p - this.s.prevClose
      const price = this.t.prices.get(p)
      this.keys[2]![slot] = p
      this.texts[2]![slot * 2] = flat(`${CHANGE[Math.sign(diff) + 1]}${k[9]}${(Math.abs(diff) * this.s.tick).toFixed(8)}${k[10]}`)
      this.texts[2]![slot * 2 + 1] = flat(`${k[11]}${this.t.prices.get(p + 1)}${k[12]}${this.t.bestAskSizeText}${k[13]}${price}${k[14]}${this.t.bestBidSizeText}`)
    }
    return [this.texts[2]![slot * 2]!, this.texts[2]![slot * 2 + 1]!]
  }
}

const TICKER_KEYS = [
  ['opening_price', 'high_price', 'low_price', 'trade_price', 'prev_closing_price', 'acc_trade_price', 'change', 'change_price', 'signed_change_price', 'change_rate', 'signed_change_rate', 'ask_bid', 'trade_volume', 'acc_trade_volume', 'trade_date', 'trade_time', 'trade_timestamp', 'acc_ask_volume', 'acc_bid_volume', 'highest_52_week_price', 'highest_52_week_date', 'lowest_52_week_price', 'lowest_52_week_date', 'market_state', 'is_trading_suspended', 'delisting_date', 'market_warning', 'timestamp', 'acc_trade_price_24h', 'acc_trade_volume_24h', 'stream_type'],
  ['op', 'hp', 'lp', 'tp', 'pcp', 'atp', 'c', 'cp', 'scp', 'cr', 'scr', 'ab', 'tv', 'atv', 'tdt', 'ttm', 'ttms', 'aav', 'abv', 'h52wp', 'h52wdt', 'l52wp', 'l52wdt', 'ms', 'its', 'dd', 'mw', 'tms', 'atp24h', 'atv24h', 'st'],
].map((keys) => keys.map((k) => flat(`,"${k}":`)))
const TRADE_KEYS = [
  ['timestamp', 'trade_date', 'trade_time', 'trade_timestamp', 'trade_price', 'trade_volume', 'ask_bid', 'prev_closing_price', 'change', 'change_price', 'sequential_id', 'best_ask_price', 'best_ask_size', 'best_bid_price', 'best_bid_size', 'stream_type'],
  ['tms', 'td', 'ttm', 'ttms', 'tp', 'tv', 'ab', 'pcp', 'c', 'cp', 'sid', 'bap', 'bas', 'bbp', 'bbs', 'st'],
].map((keys) => keys.map((k) => flat(`,"${k}":`)))
const CHANGE = ['"FALL"', '"EVEN"', '"RISE"']
const ASK_BID = ['"BID"', '"ASK"']
/** Per format, per side (0 BID, 1 ASK): `"BID","trade_volume":`. */
const AB_RUN = [0, 1].map((f) => ASK_BID.map((side) => flat(`${side}${TICKER_KEYS[f]![12]}`)))
/** Per format, per stream type (0 REALTIME, 1 SNAPSHOT): the closing run. */
const TICKER_END = [0, 1].map((f) => [flat(`${TICKER_KEYS[f]![30]}"REALTIME"}`), flat(`${TICKER_KEYS[f]![30]}"SNAPSHOT"}`)])
const TRADE_END = [0, 1].map((f) => [flat(`${TRADE_KEYS[f]![15]}"REALTIME"}`), flat(`${TRADE_KEYS[f]![15]}"SNAPSHOT"}`)])

/** The constant texts of a market, rendered once at start; `values52` are the 52-week price, date, price, date and the warning. */
export function marketText(s: Omit<TapeState, 'text'>, values52: string[]): MarketText {
  const prices = new PriceTexts(s.tick, s.decimals)
  const prevCloseText = (s.prevClose * s.tick).toFixed(8)
  const fixedValues = [...values52.slice(0, 4), '"ACTIVE"', 'false', 'null', values52[4]!]
  const per = (f: number) => ({
    head: flat(`${s.prefixes[0]![f]}${TICKER_KEYS[f]![0]}${prices.get(s.open)}${TICKER_KEYS[f]![1]}`),
    pcpRun: flat(`${TICKER_KEYS[f]![4]}${prevCloseText}${TICKER_KEYS[f]![5]}`),
    fixedRun: flat(fixedValues.map((v, i) => `${TICKER_KEYS[f]![19 + i]}${v}`).join('') + TICKER_KEYS[f]![27]),
  })
  const [d, p] = [per(0), per(1)]
  return {
    prices, head: [d.head, p.head], pcpRun: [d.pcpRun, p.pcpRun], fixedRun: [d.fixedRun, p.fixedRun], prevCloseText,
    bestAskSizeText: s.baseVolume.toFixed(8), bestBidSizeText: (s.baseVolume * 1.5).toFixed(8),
    runs: [undefined, undefined], highLow: ['', ''], highLowMadeFor: [-1, -1, -1, -1],
    step: -1, volume: '', accVolume: '', accPrice: '', volume24h: '', price24h: '', accAsk: '', accBid: '',
  }
}

/** Date, time and millisecond texts, cached per second and per millisecond. */
export class Clock {
  private second = -1
  private ms = -1
  private msText = ''
  /** Per format: the ticker's `,"trade_date":..,"trade_time":..,"trade_timestamp":` and the trade's `,"trade_date":..,"trade_time":..,"trade_timestamp":`. */
  tickerDates = ['', '']
  tradeDates = ['', '']

  /** Floor of `ms` as text; also moves the date and time texts to its second. */
  at(ms: number): string {
    const whole = Math.floor(ms)
    if (whole === this.ms) return this.msText
    this.ms = whole
    this.msText = String(whole)
    const second = Math.floor(whole / 1000)
    if (second !== this.second) {
      this.second = second
      const iso = new Date(second * 1000).toISOString() // 2025-07-27T05:11:25.000Z
      const d = iso.slice(0, 10)
      const t = iso.slice(11, 19)
      const [date, time] = [d.replaceAll('-', ''), t.replaceAll(':', '')]
      this.tickerDates = [0, 1].map((f) => flat(`${TICKER_KEYS[f]![14]}"${date}"${TICKER_KEYS[f]![15]}"${time}"${TICKER_KEYS[f]![16]}`))
      this.tradeDates = [0, 1].map((f) => flat(`${TRADE_KEYS[f]![1]}"${d}"${TRADE_KEYS[f]![2]}"${t}"${TRADE_KEYS[f]![3]}`))
    }
    return this.msText
  }
}

/** The per-step texts, formatted on the first render of a step. */
function stepText(s: TapeState): MarketText {
  const t = s.text
  if (t.step === s.sequence) return t
  const first = t.step < 0
  t.step = s.sequence
  t.volume = s.lastVolume.toFixed(8)
  t.accVolume = s.accVolume.toFixed(8)
  t.accPrice = s.accPrice.toFixed(8)
  t.volume24h = s.volume24h.toFixed(8)
  t.price24h = s.price24h.toFixed(8)
  // only the side that traded moved
  if (s.lastAsk || first) t.accAsk = s.accAsk.toFixed(8)
  if (!s.lastAsk || first) t.accBid = s.accBid.toFixed(8)
  return t
}

function runs(s: TapeState, f: number): Runs {
  return (s.text.runs[f] ??= new Runs(s, s.text, f))
}

/**
 * Where frames are written: a reused byte buffer, one latin1Write per piece. Building the frame
 * as one string and encoding it costs more than everything else together: JSC then flattens a
 * ~1 KB rope into a fresh heap string per frame, ~300 MB/s of garbage at the feed's ceiling.
 * Frames are ASCII, so latin1 is exact.
 */
export class Sink {
  readonly buf = Buffer.allocUnsafe(64 * 1024) as Buffer & { latin1Write(text: string, offset: number): number }
  pos = 0

  put(text: string): void {
    this.pos += this.buf.latin1Write(text, this.pos)
  }

  /** The frame written since pos was 0. A view of the reused buffer: valid until the next frame; views are kept per length, as frames come in a few hundred sizes. */
  bytes(): Buffer {
    const n = this.pos
    return (this.views[n] ??= this.buf.subarray(0, n))
  }

  private readonly views: Buffer[] = []

  text(): string {
    return this.buf.toString('latin1', 0, this.pos)
  }
}

/** 22 pieces, most of them runs cached per market. */
export function writeTicker(out: Sink, s: TapeState, simple: number, ts: number, snapshot: number, clock: Clock): void {
  const k = TICKER_KEYS[simple]!
  const t = stepText(s)
  const r = runs(s, simple)
  const tsText = clock.at(ts)
  const tradeText = s.lastTradeMs ? clock.at(s.lastTradeMs) : tsText
  const made = t.highLowMadeFor
  if (made[2 * simple] !== s.high || made[2 * simple + 1] !== s.low) {
    made[2 * simple] = s.high
    made[2 * simple + 1] = s.low
    t.highLow[simple] = flat(`${t.prices.get(s.high)}${k[2]}${t.prices.get(s.low)}${k[3]}`)
  }
  out.put(t.head[simple]!)
  out.put(t.highLow[simple]!)
  out.put(r.tradePrice(s.price))
  out.put(t.accPrice)
  out.put(r.change(s.price))
  out.put(AB_RUN[simple]![+s.lastAsk]!)
  out.put(t.volume)
  out.put(k[13]!)
  out.put(t.accVolume)
  out.put(clock.tickerDates[simple]!)
  out.put(tradeText)
  out.put(k[17]!)
  out.put(t.accAsk)
  out.put(k[18]!)
  out.put(t.accBid)
  out.put(t.fixedRun[simple]!)
  out.put(tsText)
  out.put(k[28]!)
  out.put(t.price24h)
  out.put(k[29]!)
  out.put(t.volume24h)
  out.put(TICKER_END[simple]![snapshot]!)
}

export function writeTrade(out: Sink, s: TapeState, simple: number, ts: number, snapshot: number, clock: Clock): void {
  const k = TRADE_KEYS[simple]!
  const t = stepText(s)
  const tsText = clock.at(ts)
  const tradeMs = Math.floor(s.lastTradeMs || ts)
  const tradeText = s.lastTradeMs ? clock.at(s.lastTradeMs) : tsText
  const [change, best] = runs(s, simple).trade(s.price)
  out.put(s.prefixes[1]![simple]!)
  out.put(k[0]!)
  out.put(tsText)
  out.put(clock.tradeDates[simple]!)
  out.put(tradeText)
  out.put(k[4]!)
  out.put(t.prices.get(s.price))
  out.put(k[5]!)
  out.put(t.volume)
  out.put(k[6]!)
  out.put(ASK_BID[+s.lastAsk]!)
  out.put(k[7]!)
  out.put(t.prevCloseText)
  out.put(k[8]!)
  out.put(change)
  out.put(String(tradeMs * 1000 + (s.sequence % 1000)))
  out.put(best)
  out.put(TRADE_END[simple]![snapshot]!)
}
