/**
 * @module metrics/recorder
 * Counters and latency histograms of one run. The hot path calls `received`, `produced` and
 * `delivered` with plain numbers: timestamps of in-flight messages live in preallocated rings
 * indexed by sequence number, so tracking a message allocates nothing.
 */
import type { IntervalSample, LatencySummary } from '../../contract/report.ts'
import { latencyHistogram, record, summarize } from './histogram.ts'

/** In-flight messages tracked for latency; 2^19 covers ~4 minutes at 2,000 msg/s of backlog. */
const RING_BITS = 19
const RING = 1 << RING_BITS
const MASK = RING - 1
const MAX_SAMPLES = 20

export interface InvalidFrameSample {
  reason: string
  frame: string
  bytes: number
}

export class Recorder {
  received = 0
  bytesReceived = 0
  invalid = 0
  produced = 0
  delivered = 0
  deliveredBytes = 0
  failed = 0
  queueFullRetries = 0
  /** deliveries whose timestamps had been overwritten in the ring (backlog > RING) */
  untracked = 0
  readonly errorsByCode: Record<string, number> = {}
  readonly invalidSamples: InvalidFrameSample[] = []

  readonly processing = latencyHistogram()
  readonly kafkaAck = latencyHistogram()
  readonly pipeline = latencyHistogram()
  readonly exchangeToAck = latencyHistogram()
  private intervalPipeline = latencyHistogram()

  // performance.now() (ms, fractional) per seq: frame in, produce returned; wall ms of the frame's timestamp
  private readonly inAt = new Float64Array(RING)
  private readonly producedAt = new Float64Array(RING)
  private readonly exchangeMs = new Float64Array(RING)
  private readonly seqAt = new Float64Array(RING)
  private readonly sizeAt = new Int32Array(RING)

  readonly intervals: IntervalSample[] = []
  private lastInterval = { offsetMs: 0, received: 0, delivered: 0 }

  /** A frame passed the check and is about to be produced as `seq`. */
  frameIn(seq: number, inAtMs: number, bytes: number, exchangeTimestampMs: number): void {
    this.received++
    this.bytesReceived += bytes
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

  invalidFrame(reason: string, frame: Uint8Array | string): void {
    this.invalid++
    if (this.invalidSamples.length < MAX_SAMPLES) {
      const bytes = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length
      const text = typeof frame === 'string' ? frame : Buffer.from(frame.buffer, frame.byteOffset, Math.min(frame.length, 200)).toString('utf8')
      this.invalidSamples.push({ reason, frame: text.slice(0, 200), bytes })
    }
  }

  /** A delivery report; `nowMs` from performance.now(), `wallMs` from Date.now(). */
  deliveryReport(seq: number, errName: string | undefined, nowMs: number, wallMs: number): void {
    if (errName) {
      this.failed++
      this.errorsByCode[errName] = (this.errorsByCode[errName] ?? 0) + 1
      return
    }
    this.delivered++
    const slot = seq & MASK
    if (this.seqAt[slot] !== seq) {
      this.untracked++
      return
    }
    this.deliveredBytes += this.sizeAt[slot]!
    const inAt = this.inAt[slot]!
    record(this.kafkaAck, (nowMs - this.producedAt[slot]!) * 1000)
    const pipelineUs = (nowMs - inAt) * 1000
    record(this.pipeline, pipelineUs)
    record(this.intervalPipeline, pipelineUs)
    const exchange = this.exchangeMs[slot]!
    if (exchange > 0) record(this.exchangeToAck, (wallMs - exchange) * 1000)
  }

  produceError(errName: string): void {
    this.failed++
    this.errorsByCode[errName] = (this.errorsByCode[errName] ?? 0) + 1
  }

  /** Closes a 5-second interval of the series. */
  interval(offsetMs: number, rssBytes: number, heapBytes: number): IntervalSample {
    const seconds = Math.max((offsetMs - this.lastInterval.offsetMs) / 1000, 1e-9)
    const sample: IntervalSample = {
      offsetMs: Math.round(offsetMs),
      received: this.received,
      delivered: this.delivered,
      failed: this.failed,
      receivedPerSec: Math.round(((this.received - this.lastInterval.received) / seconds) * 10) / 10,
      deliveredPerSec: Math.round(((this.delivered - this.lastInterval.delivered) / seconds) * 10) / 10,
      pipelineP99Us: this.intervalPipeline.totalCount > 0 ? this.intervalPipeline.getValueAtPercentile(99) : 0,
      rssBytes,
      heapBytes,
    }
    this.intervals.push(sample)
    this.lastInterval = { offsetMs, received: this.received, delivered: this.delivered }
    this.intervalPipeline.reset()
    return sample
  }

  latency(): { processing: LatencySummary; kafkaAck: LatencySummary; pipeline: LatencySummary; exchangeToAck: LatencySummary } {
    return {
      processing: summarize(this.processing),
      kafkaAck: summarize(this.kafkaAck),
      pipeline: summarize(this.pipeline),
      exchangeToAck: summarize(this.exchangeToAck),
    }
  }
}
