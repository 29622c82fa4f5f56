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
  changeKey: number
  changeText: string
  rateText: string
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

const TICKER_KEYS = [
  ['opening_price', 'high_price', 'low_price', 'trade_price', 'prev_closing_price', 'acc_trade_price', 'change', 'change_price', 'signed_change_price', 'change_rate', 'signed_change_rate', 'ask_bid', 'trade_volume', 'acc_trade_volume', 'trade_date', 'trade_time', 'trade_timestamp', 'acc_ask_volume', 'acc_bid_volume', 'highest_52_week_price', 'highest_52_week_date', 'lowest_52_week_price', 'lowest_52_week_date', 'market_state', 'is_trading_suspended', 'delisting_date', 'market_warning', 'timestamp', 'acc_trade_price_24h', 'acc_trade_volume_24h', 'stream_type'],
  ['op', 'hp', 'lp', 'tp', 'pcp', 'atp', 'c', 'cp', 'scp', 'cr', 'scr', 'ab', 'tv', 'atv', 'tdt', 'ttm', 'ttms', 'aav', 'abv', 'h52wp', 'h52wdt', 'l52wp', 'l52wdt', 'ms', 'its', 'dd', 'mw', 'tms', 'atp24h', 'atv24h', 'st'],
].map((keys) => keys.map((k) => `,"${k}":`))
const TRADE_KEYS = [
  ['timestamp', 'trade_date', 'trade_time', 'trade_timestamp', 'trade_price', 'trade_volume', 'ask_bid', 'prev_closing_price', 'change', 'change_price', 'sequential_id', 'best_ask_price', 'best_ask_size', 'best_bid_price', 'best_bid_size', 'stream_type'],
  ['tms', 'td', 'ttm', 'ttms', 'tp', 'tv', 'ab', 'pcp', 'c', 'cp', 'sid', 'bap', 'bas', 'bbp', 'bbs', 'st'],
].map((keys) => keys.map((k) => `,"${k}":`))
const CHANGE = ['"FALL"', '"EVEN"', '"RISE"']
const ASK_BID = ['"BID"', '"ASK"']
/** Per format, per stream type (0 REALTIME, 1 SNAPSHOT): the closing run. */
const TICKER_END = [0, 1].map((f) => [`${TICKER_KEYS[f]![30]}"REALTIME"}`, `${TICKER_KEYS[f]![30]}"SNAPSHOT"}`])
const TRADE_END = [0, 1].map((f) => [`${TRADE_KEYS[f]![15]}"REALTIME"}`, `${TRADE_KEYS[f]![15]}"SNAPSHOT"}`])

/** The constant texts of a market, rendered once at start; `values52` are the 52-week price, date, price, date and the warning. */
export function marketText(s: Omit<TapeState, 'text'>, values52: string[]): MarketText {
  const prices = new PriceTexts(s.tick, s.decimals)
  const prevCloseText = (s.prevClose * s.tick).toFixed(8)
  const fixedValues = [...values52.slice(0, 4), '"ACTIVE"', 'false', 'null', values52[4]!]
  const per = (f: number) => ({
    head: `${s.prefixes[0]![f]}${TICKER_KEYS[f]![0]}${prices.get(s.open)}${TICKER_KEYS[f]![1]}`,
    pcpRun: `${TICKER_KEYS[f]![4]}${prevCloseText}${TICKER_KEYS[f]![5]}`,
    fixedRun: fixedValues.map((v, i) => `${TICKER_KEYS[f]![19 + i]}${v}`).join('') + TICKER_KEYS[f]![27],
  })
  const [d, p] = [per(0), per(1)]
  return {
    prices, head: [d.head, p.head], pcpRun: [d.pcpRun, p.pcpRun], fixedRun: [d.fixedRun, p.fixedRun], prevCloseText,
    bestAskSizeText: s.baseVolume.toFixed(8), bestBidSizeText: (s.baseVolume * 1.5).toFixed(8),
    changeKey: NaN, changeText: '', rateText: '',
    step: -1, volume: '', accVolume: '', accPrice: '', volume24h: '', price24h: '', accAsk: '', accBid: '',
  }
}

/** Date, time and millisecond texts, cached per second and per millisecond. */
export class Clock {
  private second = -1
  private ms = -1
  private msText = ''
  compact = ['', '']
  dashed = ['', '']

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
      this.compact = [`"${d.replaceAll('-', '')}"`, `"${t.replaceAll(':', '')}"`]
      this.dashed = [`"${d}"`, `"${t}"`]
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
  const diff = s.price - s.prevClose
  if (diff !== t.changeKey) {
    t.changeKey = diff
    t.changeText = (Math.abs(diff) * s.tick).toFixed(8)
    t.rateText = (s.prevClose > 0 ? Math.abs(diff) / s.prevClose : 0).toFixed(10)
  }
  return t
}

export function tickerText(s: TapeState, simple: number, ts: number, snapshot: number, clock: Clock): string {
  const k = TICKER_KEYS[simple]!
  const t = stepText(s)
  const tsText = clock.at(ts)
  const tradeText = s.lastTradeMs ? clock.at(s.lastTradeMs) : tsText
  const d = clock.compact
  const diff = s.price - s.prevClose
  const sign = diff < 0 ? '-' : ''
  return (
    `${t.head[simple]}${t.prices.get(s.high)}${k[2]}${t.prices.get(s.low)}${k[3]}${t.prices.get(s.price)}${t.pcpRun[simple]}${t.accPrice}` +
    `${k[6]}${CHANGE[Math.sign(diff) + 1]}${k[7]}${t.changeText}${k[8]}${sign}${t.changeText}${k[9]}${t.rateText}${k[10]}${sign}${t.rateText}` +
    `${k[11]}${ASK_BID[+s.lastAsk]}${k[12]}${t.volume}${k[13]}${t.accVolume}${k[14]}${d[0]}${k[15]}${d[1]}${k[16]}${tradeText}` +
    `${k[17]}${t.accAsk}${k[18]}${t.accBid}${t.fixedRun[simple]}${tsText}${k[28]}${t.price24h}${k[29]}${t.volume24h}${TICKER_END[simple]![snapshot]}`
  )
}

export function tradeText(s: TapeState, simple: number, ts: number, snapshot: number, clock: Clock): string {
  const k = TRADE_KEYS[simple]!
  const t = stepText(s)
  const tsText = clock.at(ts)
  const tradeMs = Math.floor(s.lastTradeMs || ts)
  const tradeText = s.lastTradeMs ? clock.at(s.lastTradeMs) : tsText
  const d = clock.dashed
  const price = t.prices.get(s.price)
  return (
    `${s.prefixes[1]![simple]}${k[0]}${tsText}${k[1]}${d[0]}${k[2]}${d[1]}${k[3]}${tradeText}${k[4]}${price}${k[5]}${t.volume}` +
    `${k[6]}${ASK_BID[+s.lastAsk]}${k[7]}${t.prevCloseText}${k[8]}${CHANGE[Math.sign(s.price - s.prevClose) + 1]}${k[9]}${t.changeText}` +
    `${k[10]}${tradeMs * 1000 + (s.sequence % 1000)}${k[11]}${t.prices.get(s.price + 1)}${k[12]}${t.bestAskSizeText}${k[13]}${price}${k[14]}${t.bestBidSizeText}${TRADE_END[simple]![snapshot]}`
  )
}
