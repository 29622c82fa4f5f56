/**
 * @module feed/request
 * Parses a WebSocket request the way Upbit validates it, in Upbit's documented order: array →
 * ticket (NO_TICKET) → type (NO_TYPE) → codes (NO_CODES) → values. Among values, a field of the
 * wrong JSON type is WRONG_FORMAT (요청 형식 위반) and a well-typed value the feed does not serve
 * is INVALID_PARAM (지원하지 않는 값); the error names and their meanings are Upbit's
 * (docs.upbit.com/kr/reference/websocket-guide), the English messages are this feed's own except
 * INVALID_AUTH's, which Upbit documents. Both snake_case and camelCase snapshot flags are accepted:
 * Upbit's older docs and most clients use the camelCase ones.
 */
import { z } from 'zod'
import { channelOf, DEFAULT_DEPTH, DEPTHS, FORMATS, TYPES, type FeedFormat, type FeedType } from './channels.ts'

export interface TypeRequest {
  type: FeedType
  /** The codes as requested (orderbook ones with their `.N`), deduplicated: what LIST_SUBSCRIPTIONS echoes. */
  codes: string[]
  /** Market code and channel (channels.ts) per requested code. */
  targets: Array<{ code: string; channel: number }>
  onlySnapshot: boolean
  onlyRealtime: boolean
}
export type Ticket = string | number
export type Request =
  | { kind: 'subscribe'; ticket: Ticket; types: TypeRequest[]; format: FeedFormat }
  | { kind: 'list'; ticket: Ticket; format: FeedFormat }
export type ErrorName = 'INVALID_AUTH' | 'WRONG_FORMAT' | 'NO_TICKET' | 'NO_TYPE' | 'NO_CODES' | 'INVALID_PARAM'
export type RequestError = { name: ErrorName; message: string }

/** Upbit's documented text for INVALID_AUTH (docs.upbit.com/kr/reference/websocket-guide). */
export const INVALID_AUTH_MESSAGE = '인증 정보가 올바르지 않습니다.'
/** Types that need Upbit's private endpoint and a JWT; this feed has no accounts. */
const PRIVATE = new Set(['myOrder', 'myAsset', 'myTrade'])
const CANDLE = /^candle\.(1s|1m|3m|5m|10m|15m|30m|60m|240m)$/
const ORDERBOOK_CODE = /^(.+)\.(\d+)$/

const TicketValue = z.union([z.string().min(1), z.number()])
const Codes = z.array(z.string())
const Flag = z.boolean().optional()
/** Upbit documents level as a Double and, in newer pages, as a numeric string. */
const Level = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
  ])
  .optional()

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)))
const wrongFormat = (field: string, expected: string, value: unknown): RequestError => ({
  name: 'WRONG_FORMAT',
  message: `${field}: expected ${expected}, got ${show(value)}`,
})
const invalid = (message: string): RequestError => ({ name: 'INVALID_PARAM', message })

export function parseRequest(text: string, known: { has(code: string): boolean }): Request | RequestError {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { name: 'WRONG_FORMAT', message: `request is not JSON: ${show(text.slice(0, 40))}` }
  }
  if (
    !Array.isArray(json) ||
    json.length === 0 ||
    !json.every((o) => typeof o === 'object' && o !== null && !Array.isArray(o))
  ) {
    return { name: 'WRONG_FORMAT', message: 'request must be a non-empty JSON array of objects' }
  }
  const objects = json as Record<string, unknown>[]
  const ticketObject = objects.find((o) => 'ticket' in o)
  if (!ticketObject || ticketObject.ticket === null || ticketObject.ticket === '')
    return { name: 'NO_TICKET', message: 'ticket field is missing' }

  const methodObject = objects.find((o) => 'method' in o)
  const typeObjects = objects.filter((o) => 'type' in o)
  if (!methodObject && typeObjects.length === 0) return { name: 'NO_TYPE', message: 'type field is missing' }
  if (!methodObject) {
    for (const o of typeObjects) {
      if (typeof o.type === 'string' && PRIVATE.has(o.type))
        return { name: 'INVALID_AUTH', message: INVALID_AUTH_MESSAGE }
      if (!('codes' in o)) return { name: 'NO_CODES', message: `codes field is missing (type ${show(o.type)})` }
    }
  }

  const ticket = TicketValue.safeParse(ticketObject.ticket)
  if (!ticket.success) return wrongFormat('ticket', 'a string', ticketObject.ticket)
  const format = parseFormat(objects)
  if (typeof format !== 'string') return format

  if (methodObject) {
    if (methodObject.method !== 'LIST_SUBSCRIPTIONS')
      return invalid(`method: ${show(methodObject.method)} is not supported (LIST_SUBSCRIPTIONS is)`)
    return { kind: 'list', ticket: ticket.data, format }
  }
  const types: TypeRequest[] = []
  for (const o of typeObjects) {
    const parsed = parseType(o, known)
    if ('name' in parsed) return parsed
    types.push(parsed)
  }
  return { kind: 'subscribe', ticket: ticket.data, types, format }
}

/** The format object is optional; without one the connection gets Upbit's default, DEFAULT. */
function parseFormat(objects: Record<string, unknown>[]): FeedFormat | RequestError {
  const formatObject = objects.find((o) => 'format' in o)
  if (!formatObject) return 'DEFAULT'
  const value = formatObject.format
  if (typeof value !== 'string') return wrongFormat('format', 'a string', value)
  if (!(FORMATS as readonly string[]).includes(value))
    return invalid(`format: ${show(value)} is not one of ${FORMATS.join(', ')}`)
  return value as FeedFormat
}

function parseType(o: Record<string, unknown>, known: { has(code: string): boolean }): TypeRequest | RequestError {
  if (typeof o.type !== 'string') return wrongFormat('type', 'a string', o.type)
  const type = o.type
  if (!(TYPES as readonly string[]).includes(type)) {
    return invalid(
      `type: ${show(type)} ${CANDLE.test(type) ? 'is not served by this local feed (ticker, trade and orderbook are)' : 'is not a known type'}`,
    )
  }
  const codes = Codes.safeParse(o.codes)
  if (!codes.success) return wrongFormat(`codes (type ${show(type)})`, 'an array of strings', o.codes)
  if (codes.data.length === 0) return invalid(`codes (type ${show(type)}): must not be empty`)
  const flags: Record<string, boolean | undefined> = {}
  for (const key of ['is_only_snapshot', 'is_only_realtime', 'isOnlySnapshot', 'isOnlyRealtime']) {
    const flag = Flag.safeParse(o[key])
    if (!flag.success) return wrongFormat(key, 'a boolean', o[key])
    flags[key] = flag.data
  }
  const isOrderbook = type === 'orderbook'
  if (isOrderbook) {
    const level = Level.safeParse(o.level)
    if (!level.success) return wrongFormat('level', 'a number', o.level)
    if (level.data !== undefined && level.data !== 0)
      return invalid(`level: ${show(o.level)} is not served by this local feed (only 0, no grouping)`)
  }
  const requested = [...new Set(codes.data)]
  const targets: TypeRequest['targets'] = []
  const unknown: string[] = []
  for (const requestedCode of requested) {
    const [code, depth] = isOrderbook ? splitDepth(requestedCode) : [requestedCode, 0]
    if (!known.has(code)) unknown.push(requestedCode)
    else targets.push({ code, channel: channelOf(TYPES.indexOf(type as FeedType), depth) })
  }
  if (unknown.length > 0) {
    const list =
      unknown.slice(0, 5).map(show).join(', ') + (unknown.length > 5 ? `, ... (${unknown.length} in all)` : '')
    return invalid(
      `codes (type ${show(type)}): unknown ${unknown.length === 1 ? 'code' : 'codes'} ${list}; codes are UPPERCASE QUOTE-BASE as in GET /v1/market/all`,
    )
  }
  return {
    type: type as FeedType,
    codes: requested,
    targets,
    onlySnapshot: flags.is_only_snapshot ?? flags.isOnlySnapshot ?? false,
    onlyRealtime: flags.is_only_realtime ?? flags.isOnlyRealtime ?? false,
  }
}

/** `KRW-BTC.15` → depth 15; a depth Upbit does not serve gets the default 30, as Upbit does. */
function splitDepth(requested: string): [string, number] {
  const m = ORDERBOOK_CODE.exec(requested)
  if (!m) return [requested, DEFAULT_DEPTH]
  const depth = Number(m[2])
  return [m[1]!, (DEPTHS as readonly number[]).includes(depth) ? depth : DEFAULT_DEPTH]
}

export function errorFrame(e: { name: string; message: string }): string {
  return JSON.stringify({ error: { name: e.name, message: e.message } })
}
