/**
 * @module pipeline
 * The hot path: frame in → cheap check → produce (key = market code, value = the frame's bytes
 * as received, headers seq / contender / phase) → delivery report. What happens to a data frame
 * depends on the run's phase: before ready it is counted and dropped; in the warm-up it is
 * produced with `phase: warmup` and counted only there; in the window it is counted and
 * produced with `phase: window`; after the window it is ignored. Each produced phase has its own
 * tally of one shape (metrics/tally), picked when the phase changes, so counting a frame never
 * asks which phase it is in; an ack goes to the tally of the phase its `seq` was produced in.
 * `seq` runs over warm-up and
 * window together without gaps. Delivery reports are served on this thread: by the sink itself
 * when librdkafka signals them (`servesItself`), otherwise polled every millisecond while
 * messages are in flight and every 20 ms when idle.
 *
 * Built before the producer, whose delivery reports it receives (`onDelivery`); the producer and
 * the frame rules (they need the market list) are attached once start-up has them.
 */
import { TIMING } from '../contract/rules.ts'
import type { Phase, Producer } from './kafka/sink.ts'
import type { Recorder } from './metrics/recorder.ts'
import type { RunCounts } from './metrics/run-counts.ts'
import type { PhaseTally } from './metrics/tally.ts'
import { checkFrame, type FrameRules } from './upbit/frame-check.ts'
import type { FrameData, RefusedFrame } from './upbit/socket.ts'

const BUSY_POLL_MS = 1
const IDLE_POLL_MS = 20
/** a full local queue is polled and retried; past this the message counts as failed */
const QUEUE_FULL_GIVE_UP_MS = TIMING.queueFullGiveUpMs
const pause = new Int32Array(new SharedArrayBuffer(4))

export type RunPhase = 'before-ready' | Phase | 'closed'

export class Pipeline {
  phase: RunPhase = 'before-ready'
  private seq = 0
  /** seqs below this were produced in the warm-up; their acks never reach the recorder */
  private windowFirstSeq = Number.POSITIVE_INFINITY
  /** the tally of the phase whose frames are produced; none before ready and after the window */
  private tally?: PhaseTally
  private readonly keys = new Map<string, Uint8Array>()
  private pollTimer?: ReturnType<typeof setTimeout>
  private busy = false
  private stopped = false
  /** the sink needs polling on a timer (it does not serve its events when librdkafka signals them) */
  private timed = false
  private sink!: Producer
  private rules!: FrameRules

  constructor(
    private readonly recorder: Recorder,
    private readonly counts: RunCounts,
  ) {}

  /** The producer and the frame rules, once start-up has both; before this no frame arrives. */
  attach(sink: Producer, rules: FrameRules): void {
    this.sink = sink
    this.rules = rules
    for (const code of rules.markets) this.keys.set(code, Buffer.from(code))
    this.timed = !sink.servesItself
    if (this.timed) this.schedulePoll(IDLE_POLL_MS)
  }

  /** Ready: production starts, marked as warm-up. */
  startWarmup(): void {
    this.phase = 'warmup'
    this.tally = this.counts.warmup
  }

  openWindow(): void {
    this.windowFirstSeq = this.seq + 1
    this.phase = 'window'
    this.tally = this.recorder
  }

  closeWindow(): void {
    this.phase = 'closed'
    this.tally = undefined
  }

  /** Every WebSocket message, in arrival order; returns whether it was a data frame (for the silence watchdog). */
  readonly onFrame = (data: FrameData): boolean => {
    const inAt = performance.now()
    // the connection refused a frame over MAX_FRAME_BYTES before it got here (refused below)
    // a view, not a copy, of what the socket handed over (an ArrayBuffer, or a Buffer from a client such as ws)
    const frame =
      typeof data === 'string'
        ? Buffer.from(data)
        : data instanceof ArrayBuffer
          ? Buffer.from(data)
          : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    const verdict = checkFrame(frame, this.rules)
    if (verdict.kind === 'status') {
      this.counts.statusFrames++
      return false
    }
    if (verdict.kind === 'error') {
      this.counts.errorFrame(verdict.name)
      return false
    }
    const tally = this.tally
    if (tally) {
      tally.frame(frame.length)
      if (verdict.kind === 'invalid') tally.invalidFrame(verdict.reason, frame, frame.length)
      else {
        const seq = ++this.seq
        tally.frameIn(seq, inAt, frame.length, verdict.timestampMs)
        if (this.produce(this.keys.get(verdict.code)!, frame, seq, tally)) tally.producedOk(seq, performance.now())
      }
    } else if (this.phase === 'before-ready') this.counts.beforeReady++
    if (this.timed && !this.busy) this.schedulePoll(BUSY_POLL_MS)
    return true
  }

  /** A data frame the client refused unread, failing the connection: counted invalid, sampled without bytes. */
  readonly refused = (reason: RefusedFrame): void => {
    if (this.tally) {
      this.tally.frame(0)
      this.tally.invalidFrame(reason, '', 0)
    } else if (this.phase === 'before-ready') this.counts.beforeReady++
  }

  private produce(key: Uint8Array, value: Uint8Array, seq: number, tally: PhaseTally): boolean {
    try {
      if (this.sink.produce(key, value, seq, tally.phase)) return true
      // backpressure: librdkafka's queue is full; serve delivery reports until it drains
      const giveUpAt = performance.now() + QUEUE_FULL_GIVE_UP_MS
      while (performance.now() < giveUpAt) {
        tally.queueFullRetry()
        this.sink.poll()
        Atomics.wait(pause, 0, 0, 1)
        if (this.sink.produce(key, value, seq, tally.phase)) return true
      }
      tally.produceError('QUEUE_FULL')
    } catch (error) {
      tally.produceError((error as { errName?: string }).errName ?? 'PRODUCE_ERROR')
    }
    return false
  }

  /** A delivery report from the sink: the handler the sink is opened with. */
  readonly onDelivery = (seq: number, errName: string | undefined): void => {
    const tally = seq >= this.windowFirstSeq ? this.recorder : this.counts.warmup
    tally.deliveryReport(seq, errName, performance.now(), Date.now())
  }

  private schedulePoll(delayMs: number): void {
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.busy = delayMs === BUSY_POLL_MS
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined
      if (this.stopped) return
      this.sink.poll()
      this.schedulePoll(this.sink.outqLen() > 0 ? BUSY_POLL_MS : IDLE_POLL_MS)
    }, delayMs)
  }

  stop(): void {
    this.stopped = true
    if (this.pollTimer) clearTimeout(this.pollTimer)
    this.pollTimer = undefined
  }
}
