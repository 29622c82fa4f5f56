/**
 * @module progress
 * What a contender prints: human lines (`[bun] ...`) and the machine lines the bench reads
 * (`@bench {json}`, docs/contenders.md). Metrics every 5 s, progress every 10 s.
 */
import type { Recorder } from './metrics/recorder.ts'
import type { IntervalSample, Report } from '../contract/report.ts'
import type { ClientStats } from './upbit/client.ts'

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`
const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`

export class ProgressOut {
  constructor(private readonly name: string) {}

  log(line: string): void {
    console.log(`[${this.name}] ${line}`)
  }

  event(payload: Record<string, unknown>): void {
    console.log(`@bench ${JSON.stringify(payload)}`)
  }

  metrics(sample: IntervalSample, recorder: Recorder): void {
    const p95 = recorder.pipeline.totalCount > 0 ? recorder.pipeline.getValueAtPercentile(95) : 0
    const p99 = recorder.pipeline.totalCount > 0 ? recorder.pipeline.getValueAtPercentile(99) : 0
    this.log(
      `metrics t=${(sample.offsetMs / 1000).toFixed(0)}s received=${sample.received} (${sample.receivedPerSec}/s) ` +
        `delivered=${sample.delivered} (${sample.deliveredPerSec}/s) pipeline p95=${ms(p95)} p99=${ms(p99)} rss=${mb(sample.rssBytes)}`,
    )
    this.event({
      event: 'metrics',
      offsetMs: sample.offsetMs,
      received: sample.received,
      delivered: sample.delivered,
      failed: sample.failed,
      receivedPerSec: sample.receivedPerSec,
      deliveredPerSec: sample.deliveredPerSec,
      pipelineP99Us: sample.pipelineP99Us,
      rssBytes: sample.rssBytes,
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
    this.log(
      `done (${report.status}): ${report.messages.delivered}/${report.messages.received} delivered in ` +
        `${(report.timing.measuredDurationMs / 1000).toFixed(3)} s (accuracy ${report.timing.accuracyMs} ms), ` +
        `${report.throughput.deliveredPerSec} msg/s, pipeline p50=${ms(l.pipeline.p50Us)} p99=${ms(l.pipeline.p99Us)}, ` +
        `rss max ${mb(report.memory.rssBytes.max)}, cpu ${report.cpu.usPerDeliveredMessage} µs/msg`,
    )
  }
}
