/**
 * @module upbit/frame-check
 * The hot path's cheap, explicit check of a frame, with no JSON parse (a full parse per message
 * would be the benchmark's biggest cost). In the contract's order (docs/contenders.md, behaviour
 * 9), after the size, which upbit/connection judged before the frame got here (a frame over
 * MAX_FRAME_BYTES is refused there, the one place, so never reaches this check): not `{`…`}` → `not-json`; no `"code":"…"` →
 * `no-code`; a code not subscribed → `unknown-code`; no payload field of the channel →
 * `bad-payload`. Upbit's `{"status":"UP"}` and `{"error":{…}}` answers are recognised first
 * among code-less frames: they are not data frames at all.
 */
import type { z } from 'zod'
import type { InvalidReason } from '../../contract/report.ts'
import type { Channel } from '../../contract/rules.ts'

export type InvalidFrameReason = z.infer<typeof InvalidReason>
export type { Channel }

export type FrameVerdict =
  | { kind: 'valid'; code: string; timestampMs: number }
  | { kind: 'invalid'; reason: InvalidFrameReason }
  | { kind: 'status' }
  | { kind: 'error'; name: string }

export interface FrameRules {
  markets: ReadonlySet<string>
  /** the channel's payload field, e.g. `"trade_price":` */
  payload: Buffer
  /** ticker and trade: the field must hold a number; orderbook: the needle ends with `[` already */
  payloadIsNumber: boolean
}

const CODE = Buffer.from('"code":"')
const TIMESTAMP = Buffer.from(',"timestamp":')
const STATUS = Buffer.from('{"status"')
const ERROR = Buffer.from('{"error"')
const OPEN = 0x7b
const CLOSE = 0x7d
const QUOTE = 0x22
/** Upbit's longest codes are about 15 characters; anything far longer is not a code */
const MAX_CODE = 32

export function frameRules(channel: Channel, codes: Iterable<string>): FrameRules {
  const orderbook = channel === 'orderbook'
  return {
    markets: new Set(codes),
    payload: Buffer.from(orderbook ? '"orderbook_units":[' : '"trade_price":'),
    payloadIsNumber: !orderbook,
  }
}

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

/** Error frames are rare and small (the size was checked first): a real parse names them. */
function errorName(frame: Buffer): FrameVerdict {
  try {
    const name = (JSON.parse(frame.toString('utf8')) as { error?: { name?: unknown } }).error?.name
    return { kind: 'error', name: typeof name === 'string' || typeof name === 'number' ? String(name) : 'unnamed' }
  } catch {
    return { kind: 'invalid', reason: 'not-json' }
  }
}

export function checkFrame(frame: Buffer, rules: FrameRules): FrameVerdict {
  const n = frame.length
  if (n < 2 || frame[0] !== OPEN || frame[n - 1] !== CLOSE) return { kind: 'invalid', reason: 'not-json' }
  const at = frame.indexOf(CODE)
  if (at < 0) {
    if (startsWith(frame, STATUS)) return { kind: 'status' }
    if (startsWith(frame, ERROR)) return errorName(frame)
    return { kind: 'invalid', reason: 'no-code' }
  }
  const from = at + CODE.length
  const to = frame.indexOf(QUOTE, from)
  if (to < 0 || to - from > MAX_CODE) return { kind: 'invalid', reason: 'no-code' }
  const code = frame.toString('latin1', from, to)
  if (!rules.markets.has(code)) return { kind: 'invalid', reason: 'unknown-code' }
  const payload = frame.indexOf(rules.payload)
  if (payload < 0) return { kind: 'invalid', reason: 'bad-payload' }
  if (rules.payloadIsNumber) {
    const first = frame[payload + rules.payload.length]
    if (first === undefined || !((first >= 48 && first <= 57) || first === 45))
      return { kind: 'invalid', reason: 'bad-payload' }
  }
  const ts = frame.indexOf(TIMESTAMP)
  return { kind: 'valid', code, timestampMs: ts < 0 ? Number.NaN : readInt(frame, ts + TIMESTAMP.length) }
}
