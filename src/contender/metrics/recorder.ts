/**
 * @module metrics/recorder
 * The window's counters and latency histograms. The hot path calls it with plain numbers:
 * timestamps of in-flight messages live in preallocated rings indexed by sequence number, so
 * tracking a message allocates nothing. Only window frames and their acks come here: it is the
 * window's tally (metrics/tally), the warm-up has its own.
 */
import type { Report } from '../../contract/report.ts'
import { INVALID_SAMPLES } from '../../contract/rules.ts'
import type { Phase } from '../kafka/sink.ts'
import type { InvalidFrameReason } from '../upbit/frame-check.ts'
import { encode, latencyHistogram, record, summarize } from '../../contract/histogram.ts'
import { IntervalSeries } from './intervals.ts'
import type { PhaseTally } from './tally.ts'

/** In-flight messages tracked for latency; 2^19 covers ~4 minutes at 2,000 msg/s of backlog. */
const RING_BITS = 19
const RING = 1 << RING_BITS
const MASK = RING - 1

export interface InvalidFrameSample {
  reason: InvalidFrameReason
  frame: string
  bytes: number
}

export class Recorder implements PhaseTally {
  /** data frames received in the window, invalid ones included */
  received = 0
  bytesReceived = 0
  invalid = 0
  produced = 0
  delivered = 0
  deliveredBytes = 0
  /** failed deliveries and failed produce calls */
  failed = 0
  /** delivery reports received, success or not: produced − reported are still in flight */
  reported = 0
  queueFullRetries = 0
  /** deliveries whose timestamps had been overwritten in the ring (backlog > RING) */
  untracked = 0
  readonly errorsByCode: Record<string, number> = {}
  readonly invalidSamples: InvalidFrameSample[] = []

  readonly processing = latencyHistogram()
  readonly kafkaAck = latencyHistogram()
  readonly pipeline = latencyHistogram()
  readonly exchangeToAck = latencyHistogram()
  readonly intervals = new IntervalSeries()

  // performance.now() (ms, fractional) per seq: frame in, produce returned; wall ms of the frame's timestamp
  private readonly inAt = new Float64Array(RING)
  private readonly producedAt = new Float64Array(RING)
  private readonly exchangeMs = new Float64Array(RING)
  private readonly seqAt = new Float64Array(RING)
  private readonly sizeAt = new Int32Array(RING)

  get phase(): Phase {
    return 'window'
  }

  /** Any data frame of the window, valid or not. */
  frame(bytes: number): void {
    this.received++
    this.bytesReceived += bytes
  }

  /** A valid frame is about to be produced as `seq`. */
  frameIn(seq: number, inAtMs: number, bytes: number, exchangeTimestampMs: number): void {
    const slot = seq & MASK
    this.inAt[slot] = inAtMs
    this.exchangeMs[slot] = exchangeTimestampMs
    this.seqAt[slot] = seq
    this.sizeAt[slot] = bytes
  }

  producedOk(seq: number, nowMs: number): void {
    this.produced++
    const slot = seq & MASK
    this.producedAt[slot] = nowMs
    record(this.processing, (nowMs - this.inAt[slot]!) * 1000)
  }

  /** A frame that failed the check; `frame` is undefined when the runtime refused it unread. */
  invalidFrame(reason: InvalidFrameReason, frame: Uint8Array | string | undefined, bytes: number): void {
    this.invalid++
    if (frame === undefined || this.invalidSamples.length >= INVALID_SAMPLES.max) return
    const head =
      typeof frame === 'string'
        ? frame.slice(0, INVALID_SAMPLES.bytes)
        : Buffer.from(frame.buffer, frame.byteOffset, Math.min(frame.length, INVALID_SAMPLES.bytes)).toString('utf8')
    this.invalidSamples.push({ reason, frame: head, bytes })
  }

  /** A delivery report; `nowMs` from performance.now(), `wallMs` from Date.now(). */
  deliveryReport(seq: number, errName: string | undefined, nowMs: number, wallMs: number): void {
    this.reported++
    if (errName) return this.produceError(errName)
    this.delivered++
    const slot = seq & MASK
    if (this.seqAt[slot] !== seq) {
      this.untracked++
      return
    }
    this.deliveredBytes += this.sizeAt[slot]!
    record(this.kafkaAck, (nowMs - this.producedAt[slot]!) * 1000)
    const pipelineUs = (nowMs - this.inAt[slot]!) * 1000
    record(this.pipeline, pipelineUs)
    this.intervals.recordPipeline(pipelineUs)
    const exchange = this.exchangeMs[slot]!
    if (exchange > 0) record(this.exchangeToAck, (wallMs - exchange) * 1000)
  }

  queueFullRetry(): void {
    this.queueFullRetries++
  }

  produceError(errName: string): void {
    this.failed++
    this.errorsByCode[errName] = (this.errorsByCode[errName] ?? 0) + 1
  }

  get inFlight(): number {
    return this.produced - this.reported
  }

  /** The four summaries and, beside them, the very histograms they were read from. */
  latency(): Report['latency'] {
    return {
      processing: summarize(this.processing),
      kafkaAck: summarize(this.kafkaAck),
      pipeline: summarize(this.pipeline),
      exchangeToAck: summarize(this.exchangeToAck),
      histograms: {
        processing: encode(this.processing),
        kafkaAck: encode(this.kafkaAck),
        pipeline: encode(this.pipeline),
        exchangeToAck: encode(this.exchangeToAck),
      },
    }
  }
}
