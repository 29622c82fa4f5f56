/**
 * @module upbit/retry-budget
 * How many reconnects a connection has left. Each drop uses one attempt; the budget is restored
 * only by a connection that had stayed open for RECONNECT_STABLE_MS. A drop sooner is a flap and
 * keeps using up the same budget, so a server that accepts and drops every connection gets
 * RECONNECT_MAX_RETRIES attempts, not an endless loop. An attempt that never opened uses the
 * budget too, without being a flap.
 */

export interface DropVerdict {
  /** dropped within RECONNECT_STABLE_MS of opening */
  flap: boolean
  /** the reconnect attempt to make (1-based), or undefined: out of retries, give up */
  attempt?: number
}

export class RetryBudget {
  private used = 0

  constructor(
    private readonly maxRetries: number,
    private readonly stableMs: number,
  ) {}

  /** A drop; `openForMs` is how long the connection had been open, undefined when it never opened. */
  drop(openForMs: number | undefined): DropVerdict {
    const opened = openForMs !== undefined
    const flap = opened && openForMs < this.stableMs
    if (opened && !flap) this.used = 0
    if (this.used >= this.maxRetries) return { flap }
    return { flap, attempt: ++this.used }
  }
}
