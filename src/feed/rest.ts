/**
 * @module feed/rest
 * `GET /v1/market/all` as Upbit serves it: the plain list, or with `isDetails=true` (also the
 * current doc spelling `is_details`) the `market_event` block. Every answer carries Upbit's
 * `Remaining-Req: group=market; min=600; sec=N` (N = requests left in this second of the IP's
 * 10/s quota; `min` is Upbit's fixed, deprecated value). Whether a request is refused is the
 * limiter's call (limits.ts). `market_warning` was removed from this endpoint on 2024-11-20, so
 * the details answer carries `market_event` only, like the bundled real snapshot.
 */
import { blockedBody, tooManyBody, type Verdict } from './limits.ts'
import { withEvent, type Market } from './markets.ts'

/** Upbit's `min` is a fixed, deprecated value kept for compatibility (sec × 60 when it was introduced). */
const MIN_FIXED = 600
const JSON_TYPE = 'application/json; charset=utf-8'

export class MarketRoute {
  private readonly plain: string
  private readonly details: string

  constructor(markets: Market[]) {
    this.plain = JSON.stringify(
      markets.map((m) => ({ market: m.market, korean_name: m.korean_name, english_name: m.english_name })),
    )
    this.details = JSON.stringify(
      markets.map(withEvent).map((m) => ({
        market: m.market,
        korean_name: m.korean_name,
        english_name: m.english_name,
        market_event: m.market_event,
      })),
    )
  }

  handle(url: URL, verdict: Verdict): Response {
    const remaining = verdict.status === 200 ? Math.min(10, verdict.remaining) : 0
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'remaining-req': `group=market; min=${MIN_FIXED}; sec=${remaining}`,
    }
    if (verdict.status === 429) return new Response(tooManyBody('rest'), { status: 429, headers })
    if (verdict.status === 418) {
      headers['retry-after'] = String(Math.ceil(verdict.retryAfterMs / 1000))
      return new Response(blockedBody(verdict.retryAfterMs, verdict.offence), { status: 418, headers })
    }
    const flag = url.searchParams.get('isDetails') ?? url.searchParams.get('is_details')
    return new Response(flag === 'true' ? this.details : this.plain, { headers })
  }
}
