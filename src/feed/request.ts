/**
 * @module feed/request
 * Parses a WebSocket request the way Upbit validates it: array → ticket (NO_TICKET) → type
 * (NO_TYPE) → codes (NO_CODES) → values (INVALID_PARAM / WRONG_FORMAT), answering with Upbit's
 * `{"error":{"name","message"}}` shape. Both snake_case and camelCase snapshot flags are accepted,
 * as Upbit's older docs and most clients use the camelCase ones.
 */
import { z } from 'zod'
import { FORMATS, TYPES, type FeedFormat, type FeedType } from './generator.ts'

export interface TypeRequest {
  type: FeedType
  codes: string[]
  onlySnapshot: boolean
  onlyRealtime: boolean
}
export type Request =
  | { kind: 'subscribe'; ticket: string; types: TypeRequest[]; format: FeedFormat | undefined }
  | { kind: 'list'; ticket: string; format: FeedFormat | undefined }
export type RequestError = { name: 'WRONG_FORMAT' | 'NO_TICKET' | 'NO_TYPE' | 'NO_CODES' | 'INVALID_PARAM'; message: string }

const Ticket = z.object({ ticket: z.string().min(1) })
const TypeObject = z.object({
  type: z.string(),
  codes: z.array(z.string()).min(1),
  is_only_snapshot: z.boolean().optional(),
  is_only_realtime: z.boolean().optional(),
  isOnlySnapshot: z.boolean().optional(),
  isOnlyRealtime: z.boolean().optional(),
})
const FormatObject = z.object({ format: z.string() })

/** Types Upbit has that this feed does not generate: a clear INVALID_PARAM beats silently sending nothing. */
const UNSERVED = /^(orderbook|candle\.(1s|1m|3m|5m|10m|15m|30m|60m|240m))$/

export function parseRequest(text: string, known: ReadonlySet<string>): Request | RequestError {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { name: 'WRONG_FORMAT', message: 'request is not valid JSON' }
  }
  if (!Array.isArray(json) || json.length === 0 || !json.every((o) => typeof o === 'object' && o !== null && !Array.isArray(o))) {
    return { name: 'WRONG_FORMAT', message: 'request must be a JSON array of objects' }
  }
  const objects = json as Record<string, unknown>[]
  const ticketObject = objects.find((o) => 'ticket' in o)
  const ticket = Ticket.safeParse(ticketObject)
  if (!ticket.success) return { name: 'NO_TICKET', message: 'ticket is missing' }

  let format: FeedFormat | undefined
  const formatObject = objects.find((o) => 'format' in o)
  if (formatObject) {
    const f = FormatObject.safeParse(formatObject)
    if (!f.success || !(FORMATS as readonly string[]).includes(f.data.format)) {
      return { name: 'WRONG_FORMAT', message: `format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(formatObject.format)}` }
    }
    format = f.data.format as FeedFormat
  }

  if (objects.some((o) => o.method === 'LIST_SUBSCRIPTIONS')) return { kind: 'list', ticket: ticket.data.ticket, format }

  const typeObjects = objects.filter((o) => 'type' in o)
  if (typeObjects.length === 0) return { name: 'NO_TYPE', message: 'type is missing' }
  const types: TypeRequest[] = []
  for (const o of typeObjects) {
    if (!('codes' in o)) return { name: 'NO_CODES', message: 'codes is missing' }
    const parsed = TypeObject.safeParse(o)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      return { name: 'WRONG_FORMAT', message: `${issue.path.join('.') || 'type object'}: ${issue.message}` }
    }
    const t = parsed.data
    if (!(TYPES as readonly string[]).includes(t.type)) {
      const why = UNSERVED.test(t.type) ? 'is not served by this local feed (ticker and trade are)' : 'is not a known type'
      return { name: 'INVALID_PARAM', message: `type ${JSON.stringify(t.type)} ${why}` }
    }
    const unknown = t.codes.filter((c) => !known.has(c))
    if (unknown.length > 0) return { name: 'INVALID_PARAM', message: `unknown codes: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', ...' : ''}` }
    const onlySnapshot = t.is_only_snapshot ?? t.isOnlySnapshot ?? false
    const onlyRealtime = t.is_only_realtime ?? t.isOnlyRealtime ?? false
    types.push({ type: t.type as FeedType, codes: [...new Set(t.codes)], onlySnapshot, onlyRealtime })
  }
  return { kind: 'subscribe', ticket: ticket.data.ticket, types, format }
}

export function errorFrame(e: RequestError): string {
  return JSON.stringify({ error: { name: e.name, message: e.message } })
}
