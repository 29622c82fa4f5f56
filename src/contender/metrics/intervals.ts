/**
 * @module metrics/intervals
 * The report's interval series: one sample every 5 s of the window, then one at the window's
 * end. A sample whose offset rounds to the previous one's is dropped, so the series never ends
 * with a duplicate entry holding no messages (issue 13, item 6).
 */
import type { IntervalSample } from '../../contract/report.ts'
import { TIMING } from '../../contract/rules.ts'
import { latencyHistogram, record } from '../../contract/histogram.ts'

/** The period of the series and of the `metrics` lines. */
export const INTERVAL_MS = TIMING.metricsIntervalMs

/**
 * Offsets of the periodic samples for a window of `durationMs`: every INTERVAL_MS strictly
 * before the end, since the sample at the end is taken when the window closes.
 */
export function intervalOffsets(durationMs: number): number[] {
  const offsets: number[] = []
  for (let at = INTERVAL_MS; at < durationMs; at += INTERVAL_MS) offsets.push(at)
  return offsets
}

export interface Totals {
  received: number
  delivered: number
  failed: number
}

export class IntervalSeries {
  readonly samples: IntervalSample[] = []
  private last = { offsetMs: 0, received: 0, delivered: 0 }
  /** pipeline latency of this interval only, for its p99 */
  private readonly pipeline = latencyHistogram()

  recordPipeline(us: number): void {
    record(this.pipeline, us)
  }

  /** Closes the interval ending at `offsetMs`; undefined when it would repeat the last offset. */
  add(offsetMs: number, totals: Totals, memory: { rssBytes: number; heapBytes: number }): IntervalSample | undefined {
    const rounded = Math.round(offsetMs)
    if (rounded <= (this.samples.at(-1)?.offsetMs ?? 0)) return undefined
    const seconds = (offsetMs - this.last.offsetMs) / 1000
    const perSec = (n: number) => Math.round((n / seconds) * 10) / 10
    const sample: IntervalSample = {
      offsetMs: rounded,
      received: totals.received,
      delivered: totals.delivered,
      failed: totals.failed,
      receivedPerSec: perSec(totals.received - this.last.received),
      deliveredPerSec: perSec(totals.delivered - this.last.delivered),
      pipelineP99Us: this.pipeline.totalCount > 0 ? this.pipeline.getValueAtPercentile(99) : 0,
      rssBytes: memory.rssBytes,
      heapBytes: memory.heapBytes,
    }
    this.samples.push(sample)
    this.last = { offsetMs, received: totals.received, delivered: totals.delivered }
    this.pipeline.reset()
    return sample
  }
}
