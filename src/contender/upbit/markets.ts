/**
 * @module upbit/markets
 * Every market from `GET /v1/market/all` (KRW, BTC, USDT, ...), validated with zod, within one
 * deadline. The body is read up to MARKET_LIST.maxBytes and the list up to maxMarkets (rules.ts):
 * a server that never stops sending must not take the contender's memory with it. Duplicate
 * codes are dropped (the first stays). The REST quotation group allows 10 requests/s per IP; a
 * 429 is waited out and retried (3 times). https://docs.upbit.com/reference/rate-limits
 */
import { z } from 'zod'
import { MARKET_LIST } from '../../contract/rules.ts'

export const MarketInfo = z.object({
  market: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'must look like QUOTE-BASE'),
  korean_name: z.string(),
  english_name: z.string(),
})
export type MarketInfo = z.infer<typeof MarketInfo>
const MarketList = z.array(MarketInfo).min(1, 'the market list is empty')

export class MarketsError extends Error {
  override name = 'MarketsError'
}

const RETRIES = 3

/** The body as text, refused as soon as it passes `maxBytes` (before holding more than that). */
async function cappedText(response: Response, url: string, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes)
    throw new MarketsError(`GET ${url}: body of ${declared} bytes is over the ${maxBytes}-byte cap`)
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = response.body!.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    total += r.value.byteLength
    if (total > maxBytes) {
      await reader.cancel()
      throw new MarketsError(`GET ${url}: body over the ${maxBytes}-byte cap`)
    }
    chunks.push(r.value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseList(text: string, url: string, maxMarkets: number): MarketInfo[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new MarketsError(`GET ${url} returned invalid JSON: ${JSON.stringify(text.slice(0, 120))}`)
  }
  if (Array.isArray(json) && json.length > maxMarkets)
    throw new MarketsError(`GET ${url}: ${json.length} markets, over the cap of ${maxMarkets}`)
  const parsed = MarketList.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new MarketsError(`GET ${url}: unexpected shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const seen = new Set<string>()
  return parsed.data.filter((m) => !seen.has(m.market) && seen.add(m.market))
}

export async function fetchMarkets(
  restUrl: string,
  timeoutMs: number,
  limit = 0,
  caps: { maxBytes: number; maxMarkets: number } = MARKET_LIST,
): Promise<MarketInfo[]> {
  const url = `${restUrl}/v1/market/all?isDetails=false`
  // one deadline for every attempt, the waits between them and the body
  const signal = AbortSignal.timeout(timeoutMs)
  const timedOut = () => new MarketsError(`GET ${url}: no complete answer within ${timeoutMs} ms (STARTUP_TIMEOUT_MS)`)
  try {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(url, { signal, headers: { accept: 'application/json' } })
      if (response.status === 429 && attempt < RETRIES) {
        await response.body?.cancel()
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 1000 * (attempt + 1))
          signal.addEventListener('abort', () => (clearTimeout(timer), reject(timedOut())), { once: true })
        })
        continue
      }
      if (!response.ok) throw new MarketsError(`GET ${url} answered ${response.status} ${response.statusText}`)
      const markets = parseList(await cappedText(response, url, caps.maxBytes), url, caps.maxMarkets)
      return limit > 0 ? markets.slice(0, limit) : markets
    }
  } catch (error) {
    if (error instanceof MarketsError) throw error
    if (signal.aborted) throw timedOut()
    throw new MarketsError(`GET ${url} failed: ${(error as Error).message}`, { cause: error })
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
