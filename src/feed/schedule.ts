/**
 * @module feed/schedule
 * Open-loop pacing, as OpenMessaging Benchmark does it: message i of a rate segment is due at
 * start + i/rate regardless of how long earlier sends took, and lag = actual − intended send time
 * goes into an HDR histogram. A feed that falls behind therefore shows it (lag, skipped) instead of
 * silently offering less load (coordinated omission).
 */
import * as hdr from 'hdr-histogram-js'

/** Where intended send times come from: a fixed rate, or a recording's own timing. */
export interface Source {
  /** Intended send time of the next message (performance.now() ms), or Infinity when nothing is due ever. */
  next(): number
  /** Emit the next message; `intended` is what next() returned. */
  emit(intended: number): void
  /** Skip the next message without sending it (the feed is too far behind to catch up). */
  skip(): void
}

/** A feed more than this far behind drops the backlog rather than bursting it: a burst is not the offered rate either. */
const MAX_BACKLOG_MS = 1000
/** Yield to the event loop this often so sockets, REST and timers still get served under full load. */
const SLICE_MS = 5
/** The rate is "held" while p99 lag stays under this. */
export const BEHIND_P99_US = 50_000

export class Scheduler {
  lag = newHistogram()
  skipped = 0
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false

  constructor(
    private source: Source,
    private readonly afterTick: () => void = () => {},
  ) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.arm(0)
  }

  stop(): void {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  setSource(source: Source): void {
    this.source = source
  }

  resetCounts(): void {
    this.lag = newHistogram()
    this.skipped = 0
  }

  private arm(delayMs: number): void {
    if (!this.running) return
    this.timer =
      delayMs <= 0
        ? (setImmediate(() => this.tick()) as unknown as ReturnType<typeof setTimeout>)
        : setTimeout(() => this.tick(), delayMs)
  }

  private tick(): void {
    if (!this.running) return
    const source = this.source
    let now = performance.now()
    const sliceEnd = now + SLICE_MS
    let n = 0
    let due = source.next()
    while (due <= now) {
      if (now - due > MAX_BACKLOG_MS) {
        source.skip()
        this.skipped++
      } else {
        source.emit(due)
        const lagUs = (now - due) * 1000
        this.lag.recordValue(lagUs > 0 ? Math.round(lagUs) : 0)
      }
      due = source.next()
      // reading the clock costs ~30 ns; every 64 messages keeps lag accurate to well under a ms at 100k/s
      if ((++n & 63) === 0) {
        now = performance.now()
        if (now > sliceEnd) break
      }
    }
    this.afterTick()
    if (due === Infinity) return this.arm(50)
    const wait = due - performance.now()
    // setTimeout(1) is the finest sleep there is; below that, setImmediate keeps up without spinning
    this.arm(wait >= 1 ? Math.min(wait, 50) : wait > 0 ? 1 : 0)
  }
}

function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  })
}

/** Intended times i/rate from a segment start; a rate change starts a new segment so earlier messages keep their times. */
export class RateSource implements Source {
  private segmentStart: number
  private segmentIndex = 0
  private interval: number

  constructor(
    rate: number,
    private readonly emitOne: (intended: number) => void,
  ) {
    this.segmentStart = performance.now()
    this.interval = rate > 0 ? 1000 / rate : Infinity
  }

  setRate(rate: number): void {
    this.segmentStart = performance.now()
    this.segmentIndex = 0
    this.interval = rate > 0 ? 1000 / rate : Infinity
  }

  next(): number {
    return this.interval === Infinity ? Infinity : this.segmentStart + this.segmentIndex * this.interval
  }

  emit(intended: number): void {
    this.segmentIndex++
    this.emitOne(intended)
  }

  skip(): void {
    this.segmentIndex++
  }
}
