/**
 * The librdkafka statistics summary folded in as samples arrive equals the one the contender used
 * to compute at the end from every sample it had kept, and keeps no state that grows with them.
 */
import { expect, test } from 'bun:test'
import type { LibrdkafkaStats } from '../../contract/report.ts'
import { StatsSummary } from './stats-summary.ts'

type Sample = {
  brokers?: Record<string, Record<string, unknown>>
  topics?: Record<string, { batchsize?: { avg?: number; cnt?: number }; batchcnt?: { avg?: number; cnt?: number } }>
}

// The summary as it was computed before StatsSummary, from every sample kept until the end
// (src/contender/kafka/stats-summary.ts before issue 25, verbatim): the oracle.
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
interface OracleSample {
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

function summarizeAllSamples(samples: string[]): LibrdkafkaStats {
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
    let sample: OracleSample
    try {
      sample = JSON.parse(json) as OracleSample
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

/** mulberry32: a seeded generator, so a failure can be replayed */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * n librdkafka-shaped samples: three real brokers and a bootstrap one (nodeid -1), windows
 * sometimes empty (cnt 0) or missing, tx growing and sometimes absent, two topics, and now and
 * then a sample that is not JSON.
 */
function statsSamples(n: number, seed: number): string[] {
  const rnd = random(seed)
  const int = (below: number) => Math.floor(rnd() * below)
  const tx = new Map<string, number>()
  const win = () =>
    int(10) === 0 ? undefined : { p50: rnd() * 5000, p99: rnd() * 50000, cnt: int(5) > 0 ? 1 + int(500) : 0 }
  const brokers: [string, number][] = [
    ['127.0.0.1:9092/1', 1],
    ['127.0.0.1:9093/2', 2],
    ['127.0.0.1:9094/3', 3],
    ['127.0.0.1:9092/bootstrap', -1],
  ]
  const samples: string[] = []
  for (let i = 0; i < n; i++) {
    if (int(50) === 0) {
      samples.push(`{"brokers": {"truncated ${i}`)
      continue
    }
    const sample: Sample = { brokers: {}, topics: {} }
    for (const [name, nodeid] of brokers) {
      tx.set(name, (tx.get(name) ?? 0) + int(300))
      sample.brokers![name] = {
        nodeid,
        int_latency: win(),
        outbuf_latency: win(),
        rtt: win(),
        ...(int(20) > 0 ? { tx: tx.get(name) } : {}),
      }
    }
    for (const topic of ['upbit-ticker-bun', 'other'])
      sample.topics![topic] = {
        batchsize: { avg: rnd() * 32768, cnt: int(3) },
        batchcnt: { avg: rnd() * 40, cnt: int(3) },
      }
    samples.push(JSON.stringify(sample))
  }
  return samples
}

test('folded in as they arrive, many samples give the summary that keeping them all gave, in bounded state', () => {
  const samples = statsSamples(20_000, 25)
  const summary = new StatsSummary()
  samples.forEach((json, i) => {
    summary.add(json)
    const n = i + 1
    if (n === 1 || n === 100 || n === 5000 || n === samples.length) {
      expect(summary.summary).toEqual(summarizeAllSamples(samples.slice(0, n)))
      expect(summary.brokers).toBeLessThanOrEqual(3)
    }
  })
  const s = summary.summary
  expect(summary.brokers).toBe(3)
  expect(s.samples).toBeGreaterThan(19_000)
  expect(s.requests).toBeGreaterThan(0)
  expect(s.rttP99Us).toBeGreaterThan(0)
})

test('no samples: every figure 0', () => {
  expect(new StatsSummary().summary).toEqual(summarizeAllSamples([]))
})
