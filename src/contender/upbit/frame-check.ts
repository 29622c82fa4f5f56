/**
 * @module upbit/frame-check
 * The hot path's cheap, explicit check of a ticker frame: no JSON parse (a full zod parse per
 * message would be the benchmark's biggest cost). A frame passes when it is a JSON object
 * (`{` … `}`), names a subscribed market in `"code":"…"`, and its `"trade_price":` is a number.
 * Anything else is counted as invalid and sampled, never produced.
 */

export type FrameVerdict =
  | { ok: true; code: string; timestampMs: number }
  | { ok: false; reason: 'not-json' | 'no-code' | 'unknown-code' | 'bad-price' | 'status' | 'error' }

const CODE = Buffer.from('"code":"')
const PRICE = Buffer.from('"trade_price":')
const TIMESTAMP = Buffer.from(',"timestamp":')
const STATUS = Buffer.from('{"status"')
const ERROR = Buffer.from('{"error"')
const OPEN = 0x7b
const CLOSE = 0x7d
const QUOTE = 0x22

function startsWith(frame: Buffer, prefix: Buffer): boolean {
  return frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
}

/** Reads the unsigned integer starting at `at`; NaN when there is none. */
function readInt(frame: Buffer, at: number): number {
  let value = 0
  let i = at
  for (; i < frame.length; i++) {
    const d = frame[i]! - 48
    if (d < 0 || d > 9) break
    value = value * 10 + d
  }
  return i === at ? Number.NaN : value
}

export function checkFrame(frame: Buffer, markets: ReadonlySet<string>): FrameVerdict {
  const n = frame.length
  if (n < 2 || frame[0] !== OPEN || frame[n - 1] !== CLOSE) return { ok: false, reason: 'not-json' }
  const at = frame.indexOf(CODE)
  if (at < 0) {
    if (startsWith(frame, STATUS)) return { ok: false, reason: 'status' }
    if (startsWith(frame, ERROR)) return { ok: false, reason: 'error' }
    return { ok: false, reason: 'no-code' }
  }
  const from = at + CODE.length
  const to = frame.indexOf(QUOTE, from)
  if (to < 0 || to - from > 32) return { ok: false, reason: 'no-code' }
  const code = frame.toString('latin1', from, to)
  if (!markets.has(code)) return { ok: false, reason: 'unknown-code' }
  const price = frame.indexOf(PRICE)
  if (price < 0) return { ok: false, reason: 'bad-price' }
  const first = frame[price + PRICE.length]!
  if (!((first >= 48 && first <= 57) || first === 45)) return { ok: false, reason: 'bad-price' }
  const ts = frame.indexOf(TIMESTAMP)
  return { ok: true, code, timestampMs: ts < 0 ? Number.NaN : readInt(frame, ts + TIMESTAMP.length) }
}
