/**
 * @module feed/rest
 * `GET /v1/market/all` as Upbit serves it: the plain list, or with `isDetails=true` (also the
 * current doc spelling `is_details`) the `market_event` block. Upbit's quotation "market" group
 * allows 10 requests per second per IP; every answer carries `Remaining-Req`, and the 11th request
 * in a second gets 429. (`market_warning` was removed from this endpoint on 2024-11-20, so the
 * details answer carries `market_event` only, like the bundled real snapshot.)
 */
import { TOO_MANY_REQUESTS, RollingWindow } from './faults.ts'
import { withEvent, type Market } from './markets.ts'

const PER_SECOND = 10
/** Upbit's `min` is a fixed, deprecated value kept for compatibility. */
const MIN_FIXED = 600

export class MarketRoute {
  private readonly plain: string
  private readonly details: string
  private readonly window = new RollingWindow()

  constructor(markets: Market[]) {
    this.plain = JSON.stringify(markets.map((m) => ({ market: m.market, korean_name: m.korean_name, english_name: m.english_name })))
    this.details = JSON.stringify(
      markets.map(withEvent).map((m) => ({ market: m.market, korean_name: m.korean_name, english_name: m.english_name, market_event: m.market_event })),
    )
  }

  handle(url: URL): Response {
    const used = this.window.hit()
    const remaining = Math.max(0, PER_SECOND - used)
    const headers = { 'content-type': 'application/json; charset=utf-8', 'remaining-req': `group=market; min=${MIN_FIXED}; sec=${remaining}` }
    if (used > PER_SECOND) return new Response(TOO_MANY_REQUESTS, { status: 429, headers })
    const flag = url.searchParams.get('isDetails') ?? url.searchParams.get('is_details')
    return new Response(flag === 'true' ? this.details : this.plain, { headers })
  }
}
