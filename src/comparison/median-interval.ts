/**
 * @module comparison/median-interval
 * A distribution-free interval for one contender's median over rounds: the order statistics
 * x(k) … x(n+1−k) hold the true median with probability 1 − 2·P(Bin(n, ½) < k), whatever the
 * figure's distribution (few rounds could never check a normal one). k is the largest that keeps
 * that at 95 % or more. Below 6 rounds no k reaches 95 %: the interval is then min–max with the
 * confidence it has (3 rounds 75 %, 5 rounds 93.8 %), and the report says so rather than
 * stretching it. Up to 8 rounds the interval is min–max; from 9 it narrows.
 */
import { binomialDistribution } from 'simple-statistics'

export const MEDIAN_LEVEL = 0.95

export interface MedianInterval {
  lo: number
  hi: number
  /** the probability that [lo, hi] holds the true median */
  confidence: number
}

/** 1 − 2·P(Bin(n, ½) < k): the confidence of [x(k), x(n+1−k)]. */
export function orderStatisticConfidence(n: number, k: number): number {
  const pmf = binomialDistribution(n, 0.5)
  if (!pmf) throw new RangeError(`no binomial distribution for ${n} rounds`)
  let below = 0
  for (let i = 0; i < k; i++) below += pmf[i] ?? 0
  return Math.max(0, 1 - 2 * below)
}

/** The widest k (1-based) whose interval still reaches `level`; 1 (min–max) when none does. */
export function orderStatisticRank(n: number, level = MEDIAN_LEVEL): number {
  let k = 1
  while (k + 1 <= (n + 1) / 2 && orderStatisticConfidence(n, k + 1) >= level) k += 1
  return k
}

/** The interval for the median of `sorted` (ascending, at least one value). */
export function medianInterval(sorted: readonly number[], level = MEDIAN_LEVEL): MedianInterval {
  const n = sorted.length
  if (n === 0) throw new RangeError('no values')
  if (n === 1) return { lo: sorted[0]!, hi: sorted[0]!, confidence: 0 }
  const k = orderStatisticRank(n, level)
  return { lo: sorted[k - 1]!, hi: sorted[n - k]!, confidence: orderStatisticConfidence(n, k) }
}

/** How the report names an interval's confidence: `93.8 %`, `75 %`. */
export function formatConfidence(c: number): string {
  const pct = c * 100
  return `${Number.isInteger(Math.round(pct * 10) / 10) ? pct.toFixed(0) : pct.toFixed(1)} %`
}

/** One sentence on what `median (lo–hi)` means over n rounds. */
export function describeMedianInterval(n: number): string {
  if (n < 2) return 'One round: no interval.'
  const k = orderStatisticRank(n)
  const c = formatConfidence(orderStatisticConfidence(n, k))
  const range = k === 1 ? 'min–max' : `the ${ordinal(k)} lowest to the ${ordinal(k)} highest round`
  const short =
    orderStatisticConfidence(n, 1) < MEDIAN_LEVEL
      ? ` (${n} rounds cannot reach ${MEDIAN_LEVEL * 100} %; 6 rounds can)`
      : ''
  return `over ${n} rounds the range is ${range}, a distribution-free interval that holds the true median with ${c} confidence${short}`
}

function ordinal(k: number): string {
  return k === 2 ? '2nd' : k === 3 ? '3rd' : `${k}th`
}
