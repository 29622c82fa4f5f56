/**
 * @module feed/numbers
 * Number text for frames without Number.prototype.toFixed, which costs more than the rest of a
 * frame together at 100,000+ msg/s. Prices are whole ticks, and every tick on Upbit is a power of
 * ten or a whole number, so a price's text comes from integer arithmetic and is exact.
 */
const ZEROS = '00000000'

/** `ticks × 10^-decimals` as text with exactly `decimals` digits after the point (decimals ≤ 8). */
export function scaled(ticks: number, decimals: number, tick: number): string {
  if (decimals === 0) return String(ticks * tick)
  const unit = POW10[decimals]!
  const whole = Math.floor(ticks / unit)
  const frac = String(ticks - whole * unit)
  return `${whole}.${ZEROS.slice(0, decimals - frac.length)}${frac}`
}

/** A non-negative value with 8 decimals, like Upbit's volumes (`2429.58834336`); rounds half up. */
export function fixed8(x: number): string {
  let whole = Math.floor(x)
  let frac = Math.round((x - whole) * 1e8)
  if (frac >= 1e8) {
    frac -= 1e8
    whole++
  }
  const f = String(frac)
  return `${whole}.${ZEROS.slice(f.length)}${f}`
}

const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
