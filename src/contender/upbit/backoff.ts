/**
 * @module upbit/backoff
 * Reconnect delays: base·2^(attempt−1), ±20 % jitter so 36 sockets dropped together don't
 * reconnect in lock-step, capped at the contract's TIMING.backoffCapMs (16 s); four times longer after a 429 (Upbit's rate limit).
 */
import { BACKOFF, TIMING } from '../../contract/rules.ts'

export const BACKOFF_CAP_MS = TIMING.backoffCapMs

export function backoffDelay(attempt: number, baseMs: number, rateLimited = false, random = Math.random): number {
  const exp = Math.min(baseMs * 2 ** (attempt - 1), BACKOFF_CAP_MS)
  const jitter = 1 + (random() * 2 - 1) * BACKOFF.jitter
  return Math.round(exp * jitter * (rateLimited ? BACKOFF.rateLimitedFactor : 1))
}
