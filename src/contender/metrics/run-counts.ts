/**
 * @module metrics/run-counts
 * What is counted outside the window: data frames read before ready (dropped), the warm-up's
 * own figures (produced with `phase: warmup`, never in a window figure), and Upbit's status and
 * error answers over the whole run (never data).
 */

export interface WarmupCounts {
  /** data frames received during the warm-up, invalid ones included */
  received: number
  produced: number
  /** delivered by the end of the run: some acks arrive after the window opened */
  delivered: number
  /** failed deliveries and failed produce calls */
  failed: number
}

export class RunCounts {
  beforeReady = 0
  statusFrames = 0
  readonly errorFrames: Record<string, number> = {}
  readonly warmup: WarmupCounts = { received: 0, produced: 0, delivered: 0, failed: 0 }

  errorFrame(name: string): void {
    this.errorFrames[name] = (this.errorFrames[name] ?? 0) + 1
  }
}
