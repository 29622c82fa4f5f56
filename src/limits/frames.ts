/**
 * @module limits/frames
 * The frames the limit tools produce: Upbit ticker frames (DEFAULT format, every ticker field, in
 * the docs example's key order and number rendering, compact JSON) over the real market list, so
 * message sizes and keys match what the feed sends. Deterministic for a given count and seed.
 * The bench may pass recorded frames instead: every writer takes a list of {code, frame}.
 *
 * Two file formats:
 *  - frames file (tools/limit-producer.c `--frames`): one record per line, `CODE \t FRAME \n`.
 *    The code has no tab or newline; the frame has no newline (compact JSON never does; JSON
 *    escapes control characters inside strings).
 *  - payload file (ProducerPerformance `--payload-file`): one frame per line, `FRAME \n`, read
 *    with the default `--payload-delimiter \n`. ProducerPerformance sends no key.
 *
 * CLI: `bun src/limits/frames.ts --count N --out FRAMES [--payload PAYLOAD] [--seed S]`
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { ROOT } from '../paths.ts'

export interface FrameRecord {
  /** market code, the message key (e.g. KRW-BTC) */
  code: string
  /** the frame JSON text, the message value */
  frame: string
}

export interface FramesFileInfo {
  path: string
  count: number
  /** value bytes over all frames */
  valueBytes: number
  avgValueBytes: number
}

/** Where the market list lives: the project's copy once the feed has one, else the shared data. */
export const MARKET_LIST_CANDIDATES = [
  join(ROOT, 'src', 'feed', 'data', 'upbit-market-all.json'),
  join(ROOT, '..', 'shared', 'data', 'upbit-market-all.json'),
]

const MarketList = z.array(z.object({ market: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/) })).min(1)

export function loadMarketCodes(path?: string): string[] {
  const file = path ?? MARKET_LIST_CANDIDATES.find((p) => existsSync(p))
  if (!file) throw new Error(`no market list: looked for ${MARKET_LIST_CANDIDATES.join(', ')}`)
  return MarketList.parse(JSON.parse(readFileSync(file, 'utf8'))).map((m) => m.market)
}

/** mulberry32: a small seeded PRNG, so the same (count, seed) gives the same frames */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** decimals a price of this size is quoted with, per quote currency (roughly Upbit's tick sizes) */
function priceDecimals(quote: string, price: number): number {
  if (quote === 'BTC') return 8
  if (quote === 'USDT') return price >= 100 ? 2 : price >= 1 ? 3 : 6
  // KRW
  return price >= 100 ? 0 : price >= 1 ? 2 : 4
}

/** plain decimal rendering (never an exponent), trailing zeros trimmed: 32287000, 0.00012345 */
function plain(value: number, decimals: number): string {
  const s = value.toFixed(decimals)
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s
}

/** Upbit's 8-decimal rendering of some fields: 31883000.00000000 */
const fixed8 = (value: number) => value.toFixed(8)

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

interface MarketState {
  code: string
  quote: string
  open: number
  high: number
  low: number
  last: number
  prevClose: number
  accVolume: number
  accAsk: number
  high52: number
  low52: number
  high52Date: string
  low52Date: string
}

/** 2025-07-27T00:00:00Z, the date of the market list snapshot */
const BASE_MS = Date.UTC(2025, 6, 27)

function initialState(code: string, rnd: () => number): MarketState {
  const quote = code.slice(0, code.indexOf('-'))
  // log-uniform prices over each quote's realistic range
  const [lo, hi] = quote === 'KRW' ? [0.5, 1.6e8] : quote === 'BTC' ? [1e-8, 0.05] : [0.001, 1.2e5]
  const round = (p: number) => Number(p.toFixed(priceDecimals(quote, p)))
  const prevClose = round(Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo))))
  const last = round(prevClose * (0.95 + rnd() * 0.1)) || prevClose
  const day = (offsetDays: number) => new Date(BASE_MS - offsetDays * 86_400_000).toISOString().slice(0, 10)
  return {
    code,
    quote,
    open: prevClose,
    high: Math.max(prevClose, last),
    low: Math.min(prevClose, last),
    last,
    prevClose,
    accVolume: 1000 * rnd() * (quote === 'BTC' ? 100 : 1),
    accAsk: 0,
    high52: round(prevClose * (1.2 + rnd() * 1.5)),
    low52: round(prevClose * (0.3 + rnd() * 0.5)),
    high52Date: day(1 + Math.floor(rnd() * 364)),
    low52Date: day(1 + Math.floor(rnd() * 364)),
  }
}

function tickerFrame(s: MarketState, ms: number, rnd: () => number): string {
  const d = priceDecimals(s.quote, s.last)
  // one trade moves the price by a few ticks at most
  const step = Math.max(10 ** -d, s.last * 0.0005)
  const next = Number((s.last + (rnd() < 0.5 ? -1 : 1) * Math.floor(rnd() * 3) * step).toFixed(d))
  if (next > 0) s.last = next
  s.high = Math.max(s.high, s.last)
  s.low = Math.min(s.low, s.last)
  const tradeVolume = Number((rnd() * (s.quote === 'KRW' ? 5000 / Math.max(s.last, 1) : 50)).toFixed(8)) || 0.00000001
  const askBid = rnd() < 0.5 ? 'ASK' : 'BID'
  s.accVolume += tradeVolume
  if (askBid === 'ASK') s.accAsk += tradeVolume
  const changePrice = Math.abs(s.last - s.prevClose)
  const change = s.last > s.prevClose ? 'RISE' : s.last < s.prevClose ? 'FALL' : 'EVEN'
  const sign = change === 'FALL' ? -1 : 1
  const changeRate = changePrice / s.prevClose
  const accTradePrice = s.accVolume * s.last
  const t = new Date(ms - 38)
  const tradeDate = `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`
  const tradeTime = `${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`
  // built by hand: the docs example's key order, and its 8-decimal rendering where Upbit uses it
  return (
    `{"type":"ticker","code":"${s.code}",` +
    `"opening_price":${plain(s.open, d)},"high_price":${plain(s.high, d)},"low_price":${plain(s.low, d)},` +
    `"trade_price":${plain(s.last, d)},"prev_closing_price":${fixed8(s.prevClose)},` +
    `"acc_trade_price":${fixed8(accTradePrice)},"change":"${change}",` +
    `"change_price":${fixed8(changePrice)},"signed_change_price":${fixed8(sign * changePrice)},` +
    `"change_rate":${plain(changeRate, 10)},"signed_change_rate":${plain(sign * changeRate, 10)},` +
    `"ask_bid":"${askBid}","trade_volume":${plain(tradeVolume, 8)},"acc_trade_volume":${plain(s.accVolume, 8)},` +
    `"trade_date":"${tradeDate}","trade_time":"${tradeTime}","trade_timestamp":${ms - 38},` +
    `"acc_ask_volume":${plain(s.accAsk, 8)},"acc_bid_volume":${plain(s.accVolume - s.accAsk, 8)},` +
    `"highest_52_week_price":${fixed8(s.high52)},"highest_52_week_date":"${s.high52Date}",` +
    `"lowest_52_week_price":${fixed8(s.low52)},"lowest_52_week_date":"${s.low52Date}",` +
    `"market_state":"ACTIVE","is_trading_suspended":false,"delisting_date":null,"market_warning":"NONE",` +
    `"timestamp":${ms},"acc_trade_price_24h":${fixed8(accTradePrice * 2.9)},` +
    `"acc_trade_volume_24h":${fixed8(s.accVolume * 2.9)},"stream_type":"REALTIME"}`
  )
}

/**
 * `count` ticker frames round-robin over the markets (every market appears before any repeats),
 * each market's price walking from frame to frame; deterministic for (count, seed, markets).
 */
export function tickerFrames(count: number, options: { seed?: number; codes?: string[] } = {}): FrameRecord[] {
  const codes = options.codes ?? loadMarketCodes()
  if (codes.length === 0) throw new Error('tickerFrames: no market codes')
  const rnd = prng(options.seed ?? 20250727)
  const states = codes.map((code) => initialState(code, rnd))
  const out: FrameRecord[] = []
  for (let i = 0; i < count; i++) {
    const s = states[i % states.length]!
    // ~1 frame per ms across all markets, 09:00 UTC onwards
    out.push({ code: s.code, frame: tickerFrame(s, BASE_MS + 9 * 3_600_000 + i, rnd) })
  }
  return out
}

function check(frames: FrameRecord[]): void {
  if (frames.length === 0) throw new Error('no frames to write')
  for (const [i, f] of frames.entries()) {
    if (!f.code || /[\t\n]/.test(f.code)) throw new Error(`frame ${i}: code ${JSON.stringify(f.code)} is empty or holds a tab/newline`)
    if (f.frame.includes('\n')) throw new Error(`frame ${i} (${f.code}) holds a newline: not a compact JSON frame`)
  }
}

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

function info(path: string, frames: FrameRecord[]): FramesFileInfo {
  const valueBytes = frames.reduce((sum, f) => sum + Buffer.byteLength(f.frame), 0)
  return { path, count: frames.length, valueBytes, avgValueBytes: valueBytes / frames.length }
}

/** Writes the limit producer's frames file (`CODE\tFRAME\n` per record). */
export function writeFramesFile(path: string, frames: FrameRecord[]): FramesFileInfo {
  check(frames)
  write(path, frames.map((f) => `${f.code}\t${f.frame}\n`).join(''))
  return info(path, frames)
}

/** Writes a ProducerPerformance payload file (`FRAME\n` per record, no keys). */
export function writePayloadFile(path: string, frames: FrameRecord[]): FramesFileInfo {
  check(frames)
  write(path, frames.map((f) => `${f.frame}\n`).join(''))
  return info(path, frames)
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { count: { type: 'string' }, out: { type: 'string' }, payload: { type: 'string' }, seed: { type: 'string' } },
  })
  const count = Number(values.count ?? 10_000)
  if (!Number.isInteger(count) || count < 1 || !values.out) {
    console.error('usage: bun src/limits/frames.ts --count N --out FRAMES [--payload PAYLOAD] [--seed S]')
    process.exit(2)
  }
  const frames = tickerFrames(count, { seed: values.seed === undefined ? undefined : Number(values.seed) })
  console.log(JSON.stringify(writeFramesFile(values.out, frames)))
  if (values.payload) console.log(JSON.stringify(writePayloadFile(values.payload, frames)))
}
