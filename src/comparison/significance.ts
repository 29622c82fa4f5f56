/**
 * @module comparison/significance
 * Whether two sets of per-round figures differ, decided as benchstat decides it: a Mann–Whitney U
 * test (rank-based: no assumption about how a figure is distributed over rounds, robust to the
 * one round a busy machine spoils), and the interval it implies for the ratio of the two
 * (Hodges–Lehmann, after Bauer 1972): every pairwise ratio y_j ÷ x_i, sorted, cut where the U
 * statistic's exact null distribution leaves 2.5 % on each side. The interval's confidence is
 * exact for any number of rounds, which is why it is preferred here to a bootstrap: with 3 rounds
 * a percentile bootstrap's "95 %" interval is the span from the least to the most favourable
 * pairing of rounds, whose real coverage is about 90 %.
 *
 * The price of exactness is stated, never hidden: m against n rounds can give no two-sided
 * p-value below 2 ÷ C(m+n, m), so 3 against 3 rounds (smallest p = 0.10) cannot reach 95 % at all;
 * 4 against 4 (0.029) is the least that can. The statistics (rank sums, combinations, the normal
 * quantile) come from simple-statistics; this module only counts.
 */
import { combinations, errorFunction, medianSorted, probit, sum, wilcoxonRankSum } from 'simple-statistics'

/** The confidence every interval of the comparison is stated at. */
export const LEVEL = 0.95

/**
 * Beyond this many ways of splitting the pooled rounds the U distribution is not enumerated but
 * approximated by the normal one (9 against 9 rounds is 48,620 splits; 10 against 10, 184,756).
 */
const EXACT_SPLITS = 50_000

/** The ratio of two contenders' (or two runs') figures, with its interval. */
export interface RatioInterval {
  /** median(y) ÷ median(x): the figure the tables print */
  ratio: number
  /** the interval's bounds on y ÷ x */
  low: number
  high: number
  /** the interval's own confidence: ≥ LEVEL when `attainable`, otherwise the most these rounds allow */
  confidence: number
  /** these round counts can give an interval at LEVEL */
  attainable: boolean
  /** exact two-sided Mann–Whitney p-value (normal approximation for large round counts) */
  p: number
  /** the smallest two-sided p-value m against n rounds can give: 2 ÷ C(m+n, m) */
  minP: number
  /** rounds of x and of y */
  m: number
  n: number
}

/** C(a, b) as a float (round counts are at most 100 a side: exact enough for a threshold). */
function choose(a: number, b: number): number {
  let c = 1
  for (let i = 1; i <= b; i++) c = (c * (a - b + i)) / i
  return c
}

const cdfCache = new Map<string, number[]>()

/**
 * P(U ≤ u) for u = 0 … m·n under the null hypothesis (no ties): every split of the ranks 1 … m+n
 * into m and n is equally likely, and U = (rank sum of the m) − m(m+1)/2.
 */
function exactCdf(m: number, n: number): number[] {
  const key = `${m},${n}`
  const cached = cdfCache.get(key)
  if (cached) return cached
  const counts = new Array<number>(m * n + 1).fill(0)
  const ranks = Array.from({ length: m + n }, (_, i) => i + 1)
  const splits = combinations(ranks, m)
  for (const split of splits) counts[sum(split) - (m * (m + 1)) / 2]! += 1
  let running = 0
  const cdf = counts.map((c) => (running += c) / splits.length)
  cdfCache.set(key, cdf)
  return cdf
}

const normalCdf = (z: number) => 0.5 * (1 + errorFunction(z / Math.SQRT2))

/** P(U ≤ u) for m against n rounds: exact while enumerable, else normal with continuity correction. */
function uCdf(m: number, n: number, u: number): number {
  if (u < 0) return 0
  if (u >= m * n) return 1
  if (choose(m + n, m) <= EXACT_SPLITS) return exactCdf(m, n)[Math.floor(u)]!
  const sd = Math.sqrt((m * n * (m + n + 1)) / 12)
  return normalCdf((Math.floor(u) + 0.5 - (m * n) / 2) / sd)
}

/**
 * How many pairwise ratios to cut from each end for a `level` interval: the largest k with
 * P(U ≤ k − 1) ≤ (1 − level) ÷ 2; 0 when even the full range of ratios falls short.
 */
function cutFor(m: number, n: number, level: number): number {
  const tail = (1 - level) / 2
  if (choose(m + n, m) > EXACT_SPLITS) {
    // the normal quantile gives the cut directly; step to the exact-enough boundary from there
    const sd = Math.sqrt((m * n * (m + n + 1)) / 12)
    let k = Math.max(0, Math.floor((m * n) / 2 + probit(tail) * sd))
    while (k > 0 && uCdf(m, n, k - 1) > tail) k--
    while (uCdf(m, n, k) <= tail) k++
    return k
  }
  let k = 0
  while (k < m * n && uCdf(m, n, k) <= tail) k++
  return k
}

/**
 * The ratio y ÷ x of two sets of per-round figures with its Hodges–Lehmann interval at `level`
 * (or, when the round counts cannot reach it, the widest interval they allow and its confidence).
 * Undefined when a figure is not positive (a ratio of zeros says nothing) or a side is empty.
 */
export function ratioInterval(x: number[], y: number[], level = LEVEL): RatioInterval | undefined {
  const m = x.length
  const n = y.length
  if (m === 0 || n === 0 || [...x, ...y].some((v) => !(v > 0) || !Number.isFinite(v))) return undefined
  const logs = x.flatMap((a) => y.map((b) => Math.log(b) - Math.log(a))).sort((a, b) => a - b)
  const minP = smallestP(m, n)
  const k = cutFor(m, n, level)
  // the widest interval (all the pairwise ratios) when no cut reaches the level
  const cut = Math.max(1, k)
  const confidence = intervalConfidence(m, n, level)
  // U counts the pairs where x is above y: small U, y above x; large U, y below
  const u = wilcoxonRankSum(x, y) - (m * (m + 1)) / 2
  const p = Math.min(1, 2 * Math.min(uCdf(m, n, u), uCdf(m, n, m * n - u)))
  const sortedX = [...x].sort((a, b) => a - b)
  const sortedY = [...y].sort((a, b) => a - b)
  return {
    ratio: medianSorted(sortedY) / medianSorted(sortedX),
    low: Math.exp(logs[cut - 1]!),
    high: Math.exp(logs[logs.length - cut]!),
    confidence,
    attainable: k >= 1,
    p,
    minP,
    m,
    n,
  }
}

/** The interval is at LEVEL and does not hold 1: the two differ, at that confidence. */
export function excludesOne(i: RatioInterval): boolean {
  return i.attainable && (i.low > 1 || i.high < 1)
}

/** The confidence of the interval m against n rounds give: LEVEL or more, or the most they allow. */
export function intervalConfidence(m: number, n: number, level = LEVEL): number {
  return Math.max(0, 1 - 2 * uCdf(m, n, Math.max(1, cutFor(m, n, level)) - 1))
}

/** The smallest two-sided p-value m against n rounds can give: every round of one side beyond every round of the other. */
export function smallestP(m: number, n: number): number {
  return Math.min(1, 2 / choose(m + n, m))
}

/** The fewest rounds a side for which m = n rounds can reach LEVEL at all (4: 2 ÷ C(8, 4) = 0.029). */
export function fewestRounds(level = LEVEL): number {
  let n = 1
  while (2 / choose(2 * n, n) > 1 - level) n++
  return n
}

/**
 * A seeded uniform source (mulberry32): the power below must come out the same on every run, and
 * simple-statistics takes a random source but ships no seeded one.
 */
function seeded(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The chance that n rounds a side of two figures `effect` apart (0.10: 10 %), each with the given
 * coefficient of variation over rounds (log-normal), give an interval at LEVEL that excludes 1:
 * simulated with this very interval, `trials` times.
 */
export function simulatedPower(cv: number, n: number, effect = 0.1, trials = 4000, seed = 42): number {
  const uniform = seeded(seed)
  // probit of a uniform is a standard normal draw; 0 is excluded so probit stays finite
  const draw = (median: number) => median * Math.exp(cv * probit(uniform() || Number.EPSILON))
  let hits = 0
  for (let t = 0; t < trials; t++) {
    const x = Array.from({ length: n }, () => draw(1))
    const y = Array.from({ length: n }, () => draw(1 + effect))
    if (excludesOne(ratioInterval(x, y)!)) hits++
  }
  return hits / trials
}

/**
 * Rounds a side needed to tell apart two contenders (or runs) whose figure differs by `effect`,
 * given the figure's coefficient of variation over rounds: the fewest n (never below the fewest
 * that can reach LEVEL at all) whose simulated power reaches `power`. 90 % rather than the
 * textbook 80 %: the CV itself comes from a few rounds and is uncertain by half its value. The search starts a little
 * below the normal-theory size, n = 2 (z_{1−α/2} + z_{power})² (cv ÷ ln(1 + effect))² ÷ (3/π)
 * (3/π: the Mann–Whitney test's efficiency against the t test), which is optimistic for the exact
 * test at few rounds; undefined past `max` rounds.
 */
export function roundsToDetect(cv: number, effect = 0.1, power = 0.9, max = 100): number | undefined {
  for (let n = Math.max(fewestRounds(), normalTheoryRounds(cv, effect, power) - 2); n <= max; n++)
    if (simulatedPower(cv, n, effect) >= power) return n
  return undefined
}

/** The normal-theory rounds a side (see roundsToDetect): a quick first guess, optimistic at few rounds. */
export function normalTheoryRounds(cv: number, effect = 0.1, power = 0.9): number {
  const z = probit(1 - (1 - LEVEL) / 2) + probit(power)
  const sigma = cv / Math.log(1 + effect)
  return Math.ceil((2 * z * z * sigma * sigma) / (3 / Math.PI))
}

const pct = (x: number) => `${Math.round(x * 100)} %`

/**
 * `1.12–1.18`: two decimals, more (up to four) while the bounds would print alike or a bound on
 * one side of 1 would print as 1 or past it, so a narrow interval still shows where 1 falls.
 */
export function formatBounds(low: number, high: number): string {
  const misleads = (d: number) =>
    low.toFixed(d) === high.toFixed(d) ||
    (low < 1 && Number(low.toFixed(d)) >= 1) ||
    (high > 1 && Number(high.toFixed(d)) <= 1)
  let digits = 2
  while (digits < 4 && misleads(digits)) digits++
  return `${low.toFixed(digits)}–${high.toFixed(digits)}`
}

/** `95 % CI 1.12–1.18` on a ratio. */
export function formatInterval(i: RatioInterval): string {
  if (i.m === 1 && i.n === 1) return 'no interval'
  return `${pct(i.confidence)} CI ${formatBounds(i.low, i.high)}`
}

/** What the round counts allow, in words, when they cannot reach LEVEL (empty when they can). */
export function shortfall(i: RatioInterval): string {
  if (i.attainable) return ''
  if (i.m === 1 && i.n === 1)
    return `one round measures no noise; at least ${fewestRounds()} rounds each can name a winner`
  return `${i.m} against ${i.n} rounds cannot reach ${pct(LEVEL)}: smallest p-value ${i.minP.toFixed(2)}; at least ${fewestRounds()} rounds each can`
}
