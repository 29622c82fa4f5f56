/**
 * @module feed/markets
 * The market list the feed serves: by default the bundled real snapshot of Upbit's
 * `GET /v1/market/all?isDetails=true` (see data/README.md for provenance).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

const Caution = z.object({
  PRICE_FLUCTUATIONS: z.boolean(),
  TRADING_VOLUME_SOARING: z.boolean(),
  DEPOSIT_AMOUNT_SOARING: z.boolean(),
  GLOBAL_PRICE_DIFFERENCES: z.boolean(),
  CONCENTRATION_OF_SMALL_ACCOUNTS: z.boolean(),
})

export const Market = z.object({
  market: z.string().regex(/^[A-Z0-9]+-[A-Z0-9]+$/, 'must look like QUOTE-BASE'),
  korean_name: z.string(),
  english_name: z.string(),
  market_event: z.object({ warning: z.boolean(), caution: Caution }).optional(),
})
export type Market = z.infer<typeof Market>

const BUNDLED_PATH = join(import.meta.dir, 'data', 'upbit-market-all.json')
let bundled: Market[] | undefined

/** Parsed once per process: every feed in a test run shares the same immutable list. */
export function bundledMarkets(): Market[] {
  bundled ??= z
    .array(Market)
    .min(1)
    .parse(JSON.parse(readFileSync(BUNDLED_PATH, 'utf8')))
  return bundled
}

const NO_CAUTION = {
  PRICE_FLUCTUATIONS: false,
  TRADING_VOLUME_SOARING: false,
  DEPOSIT_AMOUNT_SOARING: false,
  GLOBAL_PRICE_DIFFERENCES: false,
  CONCENTRATION_OF_SMALL_ACCOUNTS: false,
}

/** A market list passed in by a caller may lack market_event; the details answer always has it, as Upbit's does. */
export function withEvent(m: Market): Required<Market> {
  return { ...m, market_event: m.market_event ?? { warning: false, caution: NO_CAUTION } }
}
