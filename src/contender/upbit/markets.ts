/**
 * @module upbit/markets
 * Every market from `GET /v1/market/all` (KRW, BTC, USDT, ...), validated with zod. The REST
 * quotation group allows 10 requests/s per IP; a 429 is waited out and retried (3 times).
 * https://docs.upbit.com/reference/rate-limits
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'

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

export async function fetchMarkets(restUrl: string, timeoutMs: number, limit = 0): Promise<MarketInfo[]> {
  const url = `${restUrl}/v1/market/all?isDetails=false`
  for (let attempt = 0; ; attempt++) {
    let response: Response
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
    } catch (error) {
      throw new MarketsError(`GET ${url} failed: ${(error as Error).message}`, { cause: error })
    }
    if (response.status === 429 && attempt < RETRIES) {
      await sleep(1000 * (attempt + 1))
      continue
    }
    if (!response.ok) throw new MarketsError(`GET ${url} answered ${response.status} ${response.statusText}`)
    const text = await response.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      throw new MarketsError(`GET ${url} returned invalid JSON: ${JSON.stringify(text.slice(0, 120))}`)
    }
    const parsed = MarketList.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new MarketsError(`GET ${url}: unexpected shape at ${issue.path.join('.') || '(root)'}: ${issue.message}`)
    }
    return limit > 0 ? parsed.data.slice(0, limit) : parsed.data
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
