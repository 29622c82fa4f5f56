/**
 * @module pipeline
 * The hot path: frame in → cheap check → produce (key = market code, value = the frame's bytes
 * as received) → delivery report. Only frames inside the measuring window are counted and
 * produced. Delivery reports are polled on this thread: every millisecond while messages are in
 * flight, every 20 ms when idle, so a report waits at most ~1 ms to be seen.
 */
import type { Sink } from './kafka/sink.ts'
import type { Recorder } from './metrics/recorder.ts'
import { checkFrame } from './upbit/frame-check.ts'

const BUSY_POLL_MS = 1
const IDLE_POLL_MS = 20
/** a full local queue is polled and retried; past this the message counts as failed */
const QUEUE_FULL_GIVE_UP_MS = 10_000
const pause = new Int32Array(new SharedArrayBuffer(4))

export class Pipeline {
  measuring = false
  private seq = 0
  private readonly keys = new Map<string, Uint8Array>()
  private readonly markets: ReadonlySet<string>
  private pollTimer?: ReturnType<typeof setTimeout>
  private busy = false
  private stopped = false

  constructor(
    private readonly sink: Sink,
    private readonly recorder: Recorder,
    codes: string[],
  ) {
    this.markets = new Set(codes)
    for (const code of codes) this.keys.set(code, Buffer.from(code))
    this.schedulePoll(IDLE_POLL_MS)
  }

  /** Called for every WebSocket message, in arrival order. */
  readonly onFrame = (data: ArrayBuffer | string): void => {
    if (!this.measuring) return
    const inAt = performance.now()
    const frame = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)
    const verdict = checkFrame(frame, this.markets)
    if (!verdict.ok) {
      if (verdict.reason !== 'status' && verdict.reason !== 'error') this.recorder.invalidFrame(verdict.reason, frame)
      return
    }
    const seq = ++this.seq
    this.recorder.frameIn(seq, inAt, frame.length, verdict.timestampMs)
    if (this.produce(this.keys.get(verdict.code)!, frame, seq)) this.recorder.producedOk(seq, performance.now())
    if (!this.busy) this.schedulePoll(BUSY_POLL_MS)
  }

  private produce(key: Uint8Array, value: Uint8Array, seq: number): boolean {
    try {
      if (this.sink.produce(key, value, seq)) return true
      // backpressure: librdkafka's queue is full; serve delivery reports until it drains
      const giveUpAt = performance.now() + QUEUE_FULL_GIVE_UP_MS
      while (performance.now() < giveUpAt) {
        this.recorder.queueFullRetries++
        this.poll()
        Atomics.wait(pause, 0, 0, 1)
        if (this.sink.produce(key, value, seq)) return true
      }
      this.recorder.produceError('QUEUE_FULL')
    } catch (error) {
      this.recorder.produceError((error as { errName?: string }).errName ?? 'PRODUCE_ERROR')
    }
    return false
  }

  /** Serves delivery reports, stats and errors; returns how many events were handled. */
  poll(): number {
    return this.sink.poll()
  }

  private schedulePoll(delayMs: number): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.busy = delayMs === BUSY_POLL_MS
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined
      if (this.stopped) return
      this.poll()
      if (this.sink.outqLen() > 0) this.schedulePoll(BUSY_POLL_MS)
      else this.schedulePoll(IDLE_POLL_MS)
    }, delayMs)
  }

  /** A delivery report from the sink (wired by the contender). */
  readonly onDelivery = (seq: number, errName: string | undefined): void => {
    this.recorder.deliveryReport(seq, errName, performance.now(), Date.now())
  }

  get lastSeq(): number {
    return this.seq
  }

  stop(): void {
    this.stopped = true
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = undefined
  }
}
