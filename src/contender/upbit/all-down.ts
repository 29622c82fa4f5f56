/**
 * @module upbit/all-down
 * Stretches of time with no connection open, for the report's `longestAllDownMs` and the
 * `all-connections-down` status: the longest such stretch inside the window, however it
 * started (before the window, or because every connection was given up).
 */

export class AllDownClock {
  /** wall ms since no connection has been open; undefined while one is */
  private downSince: number | undefined
  private readonly stretches: Array<readonly [number, number]> = []

  constructor(nowMs: number) {
    this.downSince = nowMs
  }

  /** The number of open connections changed. */
  openCount(open: number, nowMs: number): void {
    if (open === 0 && this.downSince === undefined) this.downSince = nowMs
    else if (open > 0 && this.downSince !== undefined) {
      this.stretches.push([this.downSince, nowMs])
      this.downSince = undefined
    }
  }

  /** The longest stretch inside [fromMs, toMs]; one still going counts up to toMs. */
  longestWithin(fromMs: number, toMs: number): number {
    let longest = 0
    const all = this.downSince === undefined ? this.stretches : [...this.stretches, [this.downSince, toMs] as const]
    for (const [start, end] of all) longest = Math.max(longest, Math.min(end, toMs) - Math.max(start, fromMs))
    return longest
  }
}
