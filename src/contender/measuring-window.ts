/**
 * @module measuring-window
 * The window's own clock: interval samples (and `metrics` lines) every 5 s after it opens, a
 * human progress line every 10 s, and the last sample when it closes. Periodic samples stop
 * before the end (intervals.ts), so a tick and the close never both land on the end.
 */
import { intervalOffsets, INTERVAL_MS } from './metrics/intervals.ts'
import type { Recorder } from './metrics/recorder.ts'
import type { MemorySampler } from './metrics/sampler.ts'
import type { ProgressOut } from './progress.ts'
import type { ClientStats } from './upbit/stats.ts'

export class MeasuringWindow {
  private timer?: ReturnType<typeof setTimeout>

  constructor(
    /** performance.now() when the window opened */
    private readonly openedAt: number,
    private readonly durationS: number,
    private readonly recorder: Recorder,
    private readonly memory: MemorySampler,
    private readonly client: ClientStats,
    private readonly out: ProgressOut,
  ) {
    const offsets = intervalOffsets(durationS * 1000)
    const next = (i: number) => {
      if (i >= offsets.length) return
      this.timer = setTimeout(
        () => {
          this.sample(performance.now() - this.openedAt)
          next(i + 1)
        },
        Math.max(this.openedAt + offsets[i]! - performance.now(), 0),
      )
    }
    next(0)
  }

  private sample(offsetMs: number): void {
    const r = this.recorder
    const sample = r.intervals.add(
      offsetMs,
      { received: r.received, delivered: r.delivered, failed: r.failed },
      this.memory.last,
    )
    if (!sample) return
    this.out.metrics(sample)
    if (Math.round(offsetMs / INTERVAL_MS) % 2 === 0) this.out.progress(offsetMs, this.durationS, r, this.client)
  }

  /** The window closed `offsetMs` after it opened: no more ticks; the series ends there. */
  close(offsetMs: number): void {
    clearTimeout(this.timer)
    this.sample(offsetMs)
  }
}
