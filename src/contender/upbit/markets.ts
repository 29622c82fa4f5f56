/**
 * @module upbit/markets
 * Every market from `GET /v1/market/all` (KRW, BTC, USDT, ...), within one deadline. Only
 * `market` is read (the names are not the producer's). The body is read up to
 * MARKET_LIST.maxBytes and the list up to maxMarkets (rules.ts): a server that never stops
 * sending must not take the contender's memory with it. Duplicate codes are dropped (the first
 * stays). The REST quotation group allows 10 requests/s per IP: 429 (and 503) are waited out
 * (Retry-After, else 1, 2, 3 s) and retried 3 times; a redirect is not followed; every other
 * status but 200 is refused. Every reason names the URL without its user info, in the same
 * words as the Go and Python contenders (docs/contenders.md, Behaviour step 2).
 * https://docs.upbit.com/reference/rate-limits
 */
import { MARKET_LIST } from '../../contract/rules.ts'

export interface MarketInfo {
  market: string
}

export class MarketsError extends Error {
  override name = 'MarketsError'
}

const RETRIES = 3
const RETRIED = new Set([429, 503])
const MARKET = /^[A-Z0-9]+-[A-Z0-9]+$/

/** The body as bytes, refused as soon as it passes `maxBytes` (before holding more than that). */
async function cappedText(response: Response, url: string, maxBytes: number): Promise<string> {
  const tooLarge = () => new MarketsError(`GET ${url}: the body is larger than ${maxBytes} bytes`)
  if (Number(response.headers.get('content-length') ?? Number.NaN) > maxBytes) throw tooLarge()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = response.body!.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    total += r.value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(r.value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Refuses an answer whose headers already say it is not the list: encoded, or not JSON. */
function checkHeaders(response: Response, url: string): void {
  const encoding = (response.headers.get('content-encoding') ?? '').trim().toLowerCase()
  if (encoding !== '' && encoding !== 'identity')
    throw new MarketsError(
      `GET ${url} answered with content-encoding ${JSON.stringify(encoding)}, not the identity encoding asked for`,
    )
  const type = response.headers.get('content-type')
  if (type === null) return
  const media = type.split(';')[0]!.trim().toLowerCase()
  if (media !== 'application/json' && !media.endsWith('+json'))
    throw new MarketsError(`GET ${url} answered with content-type ${JSON.stringify(type)}, not JSON`)
}

const kind = (value: unknown) =>
  value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

export function parseList(body: string, url: string, maxMarkets: number = MARKET_LIST.maxMarkets): MarketInfo[] {
  const text = body.trim()
  if (text === '') throw new MarketsError(`GET ${url}: the body is empty, not a JSON array of markets`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new MarketsError(`GET ${url}: the body is not JSON: ${JSON.stringify(text.slice(0, 120))}`)
  }
  if (!Array.isArray(json)) throw new MarketsError(`GET ${url}: the body is ${kind(json)}, not a JSON array of markets`)
  if (json.length === 0) throw new MarketsError(`GET ${url}: the market list is empty`)
  if (json.length > maxMarkets)
    throw new MarketsError(`GET ${url}: ${json.length} markets, more than the ${maxMarkets} a run takes`)
  const seen = new Set<string>()
  const markets: MarketInfo[] = []
  json.forEach((item: unknown, i) => {
    const code =
      typeof item === 'object' && item !== null && !Array.isArray(item)
        ? (item as { market?: unknown }).market
        : undefined
    if (typeof code !== 'string' || !MARKET.test(code))
      throw new MarketsError(
        `GET ${url}: entry ${i} has no "market" code like QUOTE-BASE: ${JSON.stringify(item).slice(0, 120)}`,
      )
    if (!seen.has(code)) (markets.push({ market: code }), seen.add(code))
  })
  return markets
}

/** The URL to request and to show, without user info, and that user info as a basic-auth header. */
function splitUserInfo(raw: string): { url: string; authorization?: string } {
  const url = new URL(raw)
  if (url.username === '' && url.password === '') return { url: raw }
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
  url.username = ''
  url.password = ''
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }
}

/** Retry-After when it is whole seconds, else 1, 2, 3 s by attempt. */
const retryWaitS = (retryAfter: string | null, attempt: number) =>
  retryAfter !== null && /^\s*[0-9]+\s*$/.test(retryAfter) ? Number(retryAfter) : attempt + 1

export async function fetchMarkets(
  restUrl: string,
  timeoutMs: number,
  limit = 0,
  caps: { maxBytes: number; maxMarkets: number } = MARKET_LIST,
): Promise<MarketInfo[]> {
  const { url, authorization } = splitUserInfo(`${restUrl}/v1/market/all?isDetails=false`)
  // identity: no gzip bomb inflated on our behalf; manual: a redirect is answered, not followed
  const headers: Record<string, string> = { accept: 'application/json', 'accept-encoding': 'identity' }
  if (authorization) headers.authorization = authorization
  // one deadline for every attempt, the waits between them and the body
  const deadline = Date.now() + timeoutMs
  const signal = AbortSignal.timeout(timeoutMs)
  const timedOut = () => new MarketsError(`GET ${url}: no complete answer within ${timeoutMs} ms (STARTUP_TIMEOUT_MS)`)
  try {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { signal, headers, redirect: 'manual', decompress: false } as RequestInit)
      const status = response.status
      if (RETRIED.has(status)) {
        await response.body?.cancel().catch(() => {})
        if (attempt === RETRIES)
          throw new MarketsError(`GET ${url} answered HTTP ${status} again after ${RETRIES} retries`)
        const wait = retryWaitS(response.headers.get('retry-after'), attempt)
        if (Date.now() + wait * 1000 > deadline)
          throw new MarketsError(
            `GET ${url} answered HTTP ${status}; waiting ${wait} s to retry would pass the STARTUP_TIMEOUT_MS deadline (${timeoutMs} ms)`,
          )
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, wait * 1000)
          signal.addEventListener('abort', () => (clearTimeout(timer), reject(timedOut())), { once: true })
        })
        continue
      }
      if (status !== 200) await response.body?.cancel().catch(() => {})
      if (status >= 300 && status < 400)
        throw new MarketsError(
          `GET ${url} answered HTTP ${status}, a redirect: redirects are not followed (set UPBIT_REST_URL to the address it points to)`,
        )
      if (status !== 200) throw new MarketsError(`GET ${url} answered HTTP ${status}, not 200 with the market list`)
      checkHeaders(response, url)
      const markets = parseList(await cappedText(response, url, caps.maxBytes), url, caps.maxMarkets)
      return limit > 0 ? markets.slice(0, limit) : markets
    }
  } catch (error) {
    if (signal.aborted) throw timedOut()
    if (error instanceof MarketsError) throw error
    const cause = (error as Error).cause as Error | undefined
    const detail = (error as { code?: string }).code ?? cause?.message ?? (error as Error).message
    throw new MarketsError(`GET ${url}: the connection failed before a complete answer (${detail})`, { cause: error })
  }
}

export function countByQuote(codes: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const code of codes) {
    const quote = code.slice(0, code.indexOf('-'))
    out[quote] = (out[quote] ?? 0) + 1
  }
  return out
}
