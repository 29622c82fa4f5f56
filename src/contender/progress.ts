/**
 * @module progress
 * What a contender prints: human lines (`[bun] ...`) and the machine lines the bench reads
 * (`@bench {json}`, docs/contenders.md). Every machine line goes through its zod schema in
 * src/contract/events.ts first: a line the bench would refuse is a bug here, found at once.
 */
import type { z } from 'zod'
import {
  EndEvent,
  ErrorEvent,
  EVENT_PREFIX,
  MetricsEvent,
  ReadyEvent,
  ReportEvent,
  StartEvent,
  WarmupEvent,
} from '../contract/events.ts'
import type { IntervalSample, Report } from '../contract/report.ts'
import type { Scrubber } from '../contract/redact.ts'
import type { Recorder } from './metrics/recorder.ts'
import type { ClientStats } from './upbit/stats.ts'

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`
const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`
type Fields<S extends z.ZodType> = Omit<z.input<S>, 'event'>

export class ProgressOut {
  /** `scrubber` hides the run's secrets in lines whose text came from a library or the network */
  constructor(
    private readonly name: string,
    private readonly scrubber?: Scrubber,
  ) {}

  scrub(text: string): string {
    return this.scrubber ? this.scrubber.scrub(text) : text
  }

  log(line: string): void {
    console.log(`[${this.name}] ${this.scrub(line)}`)
  }

  private emit<S extends z.ZodType>(schema: S, payload: z.input<S>): void {
    console.log(`${EVENT_PREFIX}${JSON.stringify(schema.parse(payload))}`)
  }

  ready(f: Fields<typeof ReadyEvent>): void {
    this.emit(ReadyEvent, { event: 'ready', ...f })
  }

  warmup(f: Fields<typeof WarmupEvent>): void {
    this.emit(WarmupEvent, { event: 'warmup', ...f })
  }

  start(f: Fields<typeof StartEvent>): void {
    this.emit(StartEvent, { event: 'start', ...f })
  }

  end(f: Fields<typeof EndEvent>): void {
    this.emit(EndEvent, { event: 'end', ...f })
  }

  report(f: Fields<typeof ReportEvent>): void {
    this.emit(ReportEvent, { event: 'report', ...f })
  }

  error(message: string): void {
    this.emit(ErrorEvent, { event: 'error', message: this.scrub(message) })
  }

  metrics(sample: IntervalSample): void {
    this.log(
      `metrics t=${(sample.offsetMs / 1000).toFixed(0)}s received=${sample.received} (${sample.receivedPerSec}/s) ` +
        `delivered=${sample.delivered} (${sample.deliveredPerSec}/s) pipeline p99=${ms(sample.pipelineP99Us)} rss=${mb(sample.rssBytes)}`,
    )
    const { offsetMs, received, delivered, failed, receivedPerSec, deliveredPerSec, pipelineP99Us, rssBytes } = sample
    this.emit(MetricsEvent, {
      event: 'metrics',
      offsetMs,
      received,
      delivered,
      failed,
      receivedPerSec,
      deliveredPerSec,
      pipelineP99Us,
      rssBytes,
    })
  }

  progress(offsetMs: number, durationS: number, recorder: Recorder, client: ClientStats): void {
    const done = Math.min(offsetMs / 1000, durationS)
    this.log(
      `progress ${done.toFixed(0)}/${durationS} s (${((done / durationS) * 100).toFixed(0)}%) received=${recorder.received} ` +
        `delivered=${recorder.delivered} failed=${recorder.failed} invalid=${recorder.invalid} reconnects=${client.reconnects}`,
    )
  }

  summary(report: Report): void {
    const l = report.latency
    const reasons = report.statusReasons.map((r) => `${r.code}: ${r.message}`).join('; ')
    this.log(
      `done (${report.status}${reasons ? ` — ${reasons}` : ''}): ${report.messages.delivered}/${report.messages.received} delivered in ` +
        `${(report.timing.measuredDurationMs / 1000).toFixed(3)} s (accuracy ${report.timing.accuracyMs} ms), warm-up ${report.warmup.delivered}/${report.warmup.received}, ` +
        `${report.throughput.deliveredPerSec} msg/s, pipeline p50=${ms(l.pipeline.p50Us)} p99=${ms(l.pipeline.p99Us)}, ` +
        `rss max ${mb(report.memory.rssBytes.max)}, cpu ${report.cpu.usPerDeliveredMessage} µs/msg`,
    )
  }
}
