/**
 * @module kafka/stats-summary
 * librdkafka's statistics JSON (one sample per statistics.interval.ms) reduced to the report's
 * librdkafkaStats. Each sample's broker windows (int_latency, outbuf_latency, rtt) are already
 * percentiles over that interval; the report gives their mean over the window's samples, taken
 * over real brokers only (nodeid ≥ 0, cnt > 0). `requests` is produce requests sent in the
 * window: the growth of brokers[].tx between the first and last sample. Samples are folded in as
 * they arrive (StatsSummary), not kept until the end.
 */
import type { LibrdkafkaStats } from '../../contract/report.ts'

interface Window {
  p50?: number
  p99?: number
  cnt?: number
}
interface BrokerStats {
  nodeid?: number
  tx?: number
  int_latency?: Window
  outbuf_latency?: Window
  rtt?: Window
}
interface StatsSample {
  brokers?: Record<string, BrokerStats>
  topics?: Record<string, { batchsize?: { avg?: number; cnt?: number }; batchcnt?: { avg?: number; cnt?: number } }>
}

class Mean {
  private sum = 0
  private n = 0
  add(value: number | undefined) {
    if (value === undefined || !Number.isFinite(value)) return
    this.sum += value
    this.n++
  }
  get value(): number {
    return this.n === 0 ? 0 : this.sum / this.n
  }
}

/**
 * The summary kept as samples arrive: running sums and each broker's first and last tx, never the
 * samples, so its memory does not grow with the run's length.
 */
export class StatsSummary {
  private readonly m = {
    intP50: new Mean(),
    intP99: new Mean(),
    outP50: new Mean(),
    outP99: new Mean(),
    rttP50: new Mean(),
    rttP99: new Mean(),
    batchSize: new Mean(),
    batchCount: new Mean(),
  }
  private readonly firstTx = new Map<string, number>()
  private readonly lastTx = new Map<string, number>()
  private parsed = 0

  /** Folds one sample in; one that is not JSON is skipped. */
  add(json: string): void {
    let sample: StatsSample
    try {
      sample = JSON.parse(json) as StatsSample
    } catch {
      return
    }
    const m = this.m
    this.parsed++
    for (const [name, b] of Object.entries(sample.brokers ?? {})) {
      if ((b.nodeid ?? -1) < 0) continue
      const windows: [Window | undefined, Mean, Mean][] = [
        [b.int_latency, m.intP50, m.intP99],
        [b.outbuf_latency, m.outP50, m.outP99],
        [b.rtt, m.rttP50, m.rttP99],
      ]
      for (const [w, p50, p99] of windows) {
        if (!w?.cnt) continue
        p50.add(w.p50)
        p99.add(w.p99)
      }
      if (b.tx !== undefined) {
        if (!this.firstTx.has(name)) this.firstTx.set(name, b.tx)
        this.lastTx.set(name, b.tx)
      }
    }
    for (const t of Object.values(sample.topics ?? {})) {
      if (t.batchsize?.cnt) m.batchSize.add(t.batchsize.avg)
      if (t.batchcnt?.cnt) m.batchCount.add(t.batchcnt.avg)
    }
  }

  /** How many brokers' tx it keeps: its only state that is not a fixed size (bounded by the cluster). */
  get brokers(): number {
    return this.firstTx.size
  }

  /** The report's section for the samples added so far. */
  get summary(): LibrdkafkaStats {
    const m = this.m
    let requests = 0
    for (const [name, last] of this.lastTx) requests += Math.max(last - (this.firstTx.get(name) ?? last), 0)
    return {
      samples: this.parsed,
      intLatencyP50Us: m.intP50.value,
      intLatencyP99Us: m.intP99.value,
      outbufLatencyP50Us: m.outP50.value,
      outbufLatencyP99Us: m.outP99.value,
      rttP50Us: m.rttP50.value,
      rttP99Us: m.rttP99.value,
      batchSizeAvgBytes: m.batchSize.value,
      batchCountAvg: m.batchCount.value,
      requests,
    }
  }
}

/** StatsSummary over a list of samples. */
export function summarizeStats(samples: Iterable<string>): LibrdkafkaStats {
  const summary = new StatsSummary()
  for (const json of samples) summary.add(json)
  return summary.summary
}
