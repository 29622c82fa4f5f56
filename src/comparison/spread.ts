/**
 * @module comparison/spread
 * One figure over several rounds: median, min, max and the interval for the median
 * (comparison/median-interval: min–max up to 8 rounds, narrower from 9); how it prints
 * (`median (lo–hi)` with a unit chosen from the median); how two contenders' figures compare (ratio against the best, and
 * whether the gap is too small to name a winner; whether it is real is comparison/significance's).
 */
import { medianInterval } from './median-interval.ts'

/** A figure measured over one or more rounds. */
export interface Spread {
  median: number
  min: number
  max: number
  /** the distribution-free interval for the median that the figure prints with */
  lo: number
  hi: number
  /** how many rounds it was measured in */
  n: number
}

export function spreadOf(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  const { lo, hi } = medianInterval(sorted)
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, lo, hi, n: sorted.length }
}

/** How a figure prints: divide by `div`, add `suffix`, with `digits` decimals (from the median). */
interface Scale {
  div: number
  suffix: string
  digits?: number
}

/** Picks the scale for a value (the median of a spread, so min and max print in the same unit). */
export type Unit = (median: number) => Scale

/** Decimals that keep about three significant figures without printing noise. */
function decimals(x: number): number {
  const a = Math.abs(x)
  if (a === 0 || a >= 100) return 0
  if (a >= 10) return 1
  return 2
}

export const UNITS = {
  count: () => ({ div: 1, suffix: '', digits: 0 }),
  rate: () => ({ div: 1, suffix: ' msg/s', digits: 0 }),
  megabytesPerSec: () => ({ div: 1e6, suffix: ' MB/s' }),
  percent: () => ({ div: 1, suffix: ' %', digits: 2 }),
  megabytes: () => ({ div: 1e6, suffix: ' MB' }),
  usPerMessage: () => ({ div: 1, suffix: ' µs/msg' }),
  cores: () => ({ div: 1, suffix: ' cores', digits: 2 }),
  ms: () => ({ div: 1, suffix: ' ms' }),
  /** microsecond latencies: µs below 1 ms, ms below 10 s, s above */
  latency: (us: number) =>
    us < 1000
      ? { div: 1, suffix: ' µs', digits: us < 10 ? 1 : 0 }
      : us < 1e7
        ? { div: 1000, suffix: ' ms' }
        : { div: 1e6, suffix: ' s' },
} satisfies Record<string, Unit>

function plain(x: number, digits: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** `1.23 ms` for one round (or rounds that print alike); `1.23 ms (1.10–1.40)`, the median's interval, for several. */
export function formatSpread(s: Spread | undefined, unit: Unit): string {
  if (!s) return '—'
  const scale = unit(s.median)
  const digits = scale.digits ?? decimals(s.median / scale.div)
  const f = (x: number) => plain(x / scale.div, digits)
  const head = `${f(s.median)}${scale.suffix}`
  // rounds that print the same need no range
  return s.n > 1 && f(s.lo) !== f(s.hi) ? `${head} (${f(s.lo)}–${f(s.hi)})` : head
}

/** Formats one value with a unit (no spread). */
export function formatValue(x: number, unit: Unit): string {
  return formatSpread({ median: x, min: x, max: x, lo: x, hi: x, n: 1 }, unit)
}

export type Better = 'higher' | 'lower'

/** How many times worse `other` is than `best` (≥ 1); undefined when it cannot be said (zeros). */
export function ratioToBest(best: number, other: number, better: Better): number | undefined {
  const [num, den] = better === 'lower' ? [other, best] : [best, other]
  if (den <= 0 || num < 0) return undefined
  return num / den
}

/** Index of the best spread by median; undefined when there is nothing to compare. */
export function bestOf(spreads: (Spread | undefined)[], better: Better): number | undefined {
  let best: number | undefined
  for (const [i, s] of spreads.entries()) {
    if (!s) continue
    const current = best === undefined ? undefined : spreads[best]!
    if (!current || (better === 'lower' ? s.median < current.median : s.median > current.median)) best = i
  }
  return best
}

/**
 * A gap smaller than `threshold` relative to the larger median: never a verdict, even when the
 * interval excludes 1 (a steady 1 % is real, but not a winner worth naming).
 */
export function belowThreshold(a: Spread, b: Spread, threshold: number): boolean {
  const diff = Math.abs(a.median - b.median)
  const scale = Math.max(Math.abs(a.median), Math.abs(b.median))
  return scale === 0 || diff / scale < threshold
}

/** A ratio's number (`1.80`): two decimals below 10, fewer above; the caller places the `×`. */
export function formatRatio(r: number): string {
  return r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : r.toFixed(0)
}
