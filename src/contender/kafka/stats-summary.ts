/**
 * @module kafka/stats-summary
 * librdkafka's statistics JSON (one sample per statistics.interval.ms) reduced to the report's
 * librdkafkaStats. Each sample's broker windows (int_latency, outbuf_latency, rtt) are already
 * percentiles over that interval; the report gives their mean over the window's samples, taken
 * over real brokers only (nodeid ≥ 0, cnt > 0). `requests` is produce requests sent in the
 * window: the growth of brokers[].tx between the first and last sample.
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

export function summarizeStats(samples: string[]): LibrdkafkaStats {
  const m = {
    intP50: new Mean(),
    intP99: new Mean(),
    outP50: new Mean(),
    outP99: new Mean(),
    rttP50: new Mean(),
    rttP99: new Mean(),
    batchSize: new Mean(),
    batchCount: new Mean(),
  }
  const firstTx = new Map<string, number>()
  const lastTx = new Map<string, number>()
  let parsed = 0
  for (const json of samples) {
    let sample: StatsSample
    try {
      sample = JSON.parse(json) as StatsSample
    } catch {
      continue
    }
    parsed++
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
        if (!firstTx.has(name)) firstTx.set(name, b.tx)
        lastTx.set(name, b.tx)
      }
    }
    for (const t of Object.values(sample.topics ?? {})) {
      if (t.batchsize?.cnt) m.batchSize.add(t.batchsize.avg)
      if (t.batchcnt?.cnt) m.batchCount.add(t.batchcnt.avg)
    }
  }
  let requests = 0
  for (const [name, last] of lastTx) requests += Math.max(last - (firstTx.get(name) ?? last), 0)
  return {
    samples: parsed,
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
