/**
 * @module metrics/tally
 * One tally per produced phase, each with the same shape, so the pipeline picks the phase's tally
 * once and then counts without asking which phase it is in. The window's is the Recorder
 * (counters and latencies); the warm-up's counts only what the report's `warmup` section states.
 */
import type { Phase } from '../kafka/sink.ts'
import type { InvalidFrameReason } from '../upbit/frame-check.ts'

export interface PhaseTally {
  /** the `phase` header its frames are produced with */
  readonly phase: Phase
  /** Any data frame of the phase, valid or not. */
  frame(bytes: number): void
  /** A frame that failed the check; `frame` is undefined when the runtime refused it unread. */
  invalidFrame(reason: InvalidFrameReason, frame: Uint8Array | string | undefined, bytes: number): void
  /** A valid frame is about to be produced as `seq`. */
  frameIn(seq: number, inAtMs: number, bytes: number, exchangeTimestampMs: number): void
  producedOk(seq: number, nowMs: number): void
  /** A produce call that failed, or a message given up on a full queue. */
  produceError(errName: string): void
  /** One more wait on a full local queue. */
  queueFullRetry(): void
  /** A delivery report; `nowMs` from performance.now(), `wallMs` from Date.now(). */
  deliveryReport(seq: number, errName: string | undefined, nowMs: number, wallMs: number): void
}

/** The warm-up's figures: produced with `phase: warmup`, never part of a window figure. */
export class WarmupTally implements PhaseTally {
  // a getter, not a field: the report spreads the tally's own fields into its warm-up section
  get phase(): Phase {
    return 'warmup'
  }
  /** data frames received during the warm-up, invalid ones included */
  received = 0
  produced = 0
  /** delivered by the end of the run: some acks arrive after the window opened */
  delivered = 0
  /** failed deliveries and failed produce calls */
  failed = 0

  frame(): void {
    this.received++
  }
  // the report's warm-up section has no invalid count, no samples, no latencies, no retries
  invalidFrame(): void {}
  frameIn(): void {}
  queueFullRetry(): void {}

  producedOk(): void {
    this.produced++
  }

  produceError(): void {
    this.failed++
  }

  deliveryReport(_seq: number, errName: string | undefined): void {
    if (errName) this.failed++
    else this.delivered++
  }
}
