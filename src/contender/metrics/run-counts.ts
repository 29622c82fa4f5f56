/**
 * @module metrics/run-counts
 * What is counted outside the window: data frames read before ready (dropped), the warm-up's
 * own figures (produced with `phase: warmup`, never in a window figure), and Upbit's status and
 * error answers over the whole run (never data).
 */
import { WarmupTally } from './tally.ts'

export class RunCounts {
  beforeReady = 0
  statusFrames = 0
  readonly errorFrames: Record<string, number> = {}
  readonly warmup = new WarmupTally()

  errorFrame(name: string): void {
    this.errorFrames[name] = (this.errorFrames[name] ?? 0) + 1
  }
}
