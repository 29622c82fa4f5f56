/**
 * @module comparison/metrics
 * The rows of the side-by-side table: what each reads from a Report, how it prints, which way is
 * better, and the gap under which no winner is named even when the interval excludes 1.
 */
import type { LatencySummary, Report } from '../contract/report.ts'
import { UNITS, type Better, type Unit } from './spread.ts'

/** One row of the side-by-side table. */
export interface Metric {
  label: string
  unit: Unit
  get: (r: Report) => number
  /** which way is better; rows without it (totals, counts) get no ratio */
  better?: Better
  /** relative gap under which no winner is named, however sure the interval */
  threshold?: number
  /** the word of the plain verdict ("go is 1.8× leaner than bun"); set on key metrics only */
  verdict?: string
}

export interface MetricGroup {
  title: string
  metrics: Metric[]
}

/** The gaps a verdict must exceed besides an interval excluding 1; stated in the report. */
export const NOISE = { throughput: 0.05, latency: 0.1, resources: 0.1 } as const

/**
 * The headline first: exchange→ack (from the frame's own timestamp, the feed's intended send
 * time) counts the wait before a producer reads a frame, which pipeline cannot see; it alone gets
 * the latency verdicts. Pipeline, processing and kafka ack are its breakdown (comparison/headline.ts).
 */
const LATENCIES: { label: string; get: (r: Report) => LatencySummary; key?: boolean }[] = [
  { label: 'exchange→ack', get: (r) => r.latency.exchangeToAck, key: true },
  { label: 'pipeline', get: (r) => r.latency.pipeline },
  { label: 'processing', get: (r) => r.latency.processing },
  { label: 'kafka ack', get: (r) => r.latency.kafkaAck },
  { label: 'connect', get: (r) => r.connections.connectUs },
]
const PERCENTILES = [
  ['p50', 'p50Us'],
  ['p95', 'p95Us'],
  ['p99', 'p99Us'],
  ['p99.9', 'p999Us'],
] as const

function successRate(r: Report): number {
  return r.messages.received === 0 ? 0 : (100 * r.messages.delivered) / r.messages.received
}

const latencyRows: Metric[] = LATENCIES.flatMap(({ label, get, key }) =>
  PERCENTILES.map(([p, field]) => ({
    label: `${label} ${p}`,
    unit: UNITS.latency,
    get: (r: Report) => get(r)[field],
    better: 'lower' as const,
    threshold: NOISE.latency,
    verdict: key && (p === 'p50' || p === 'p99') ? 'faster' : undefined,
  })),
)

const lower = (threshold: number, verdict?: string) => ({ better: 'lower' as const, threshold, verdict })

export const METRIC_GROUPS: MetricGroup[] = [
  {
    title: 'Throughput',
    metrics: [
      {
        label: 'received',
        unit: UNITS.rate,
        get: (r) => r.throughput.receivedPerSec,
        better: 'higher',
        threshold: NOISE.throughput,
      },
      {
        label: 'delivered',
        unit: UNITS.rate,
        get: (r) => r.throughput.deliveredPerSec,
        better: 'higher',
        threshold: NOISE.throughput,
        verdict: 'faster',
      },
      {
        label: 'delivered bytes',
        unit: UNITS.megabytesPerSec,
        get: (r) => r.throughput.deliveredBytesPerSec,
        better: 'higher',
        threshold: NOISE.throughput,
      },
    ],
  },
  {
    title: 'Totals',
    metrics: [
      { label: 'received', unit: UNITS.count, get: (r) => r.messages.received },
      { label: 'delivered', unit: UNITS.count, get: (r) => r.messages.delivered },
      { label: 'failed', unit: UNITS.count, get: (r) => r.messages.failed },
      { label: 'invalid frames', unit: UNITS.count, get: (r) => r.messages.invalid },
      { label: 'in flight at end', unit: UNITS.count, get: (r) => r.messages.inFlightAtEnd },
      { label: 'success rate', unit: UNITS.percent, get: successRate },
    ],
  },
  { title: 'Latency', metrics: latencyRows },
  {
    title: 'Memory',
    metrics: [
      {
        label: 'RSS avg',
        unit: UNITS.megabytes,
        get: (r) => r.memory.rssBytes.avg,
        ...lower(NOISE.resources, 'leaner'),
      },
      {
        label: 'RSS max',
        unit: UNITS.megabytes,
        get: (r) => r.memory.rssBytes.max,
        ...lower(NOISE.resources, 'leaner'),
      },
      { label: 'heap avg', unit: UNITS.megabytes, get: (r) => r.memory.heapBytes.avg, ...lower(NOISE.resources) },
      { label: 'heap max', unit: UNITS.megabytes, get: (r) => r.memory.heapBytes.max, ...lower(NOISE.resources) },
    ],
  },
  {
    title: 'CPU',
    metrics: [
      {
        label: 'CPU per delivered message',
        unit: UNITS.usPerMessage,
        get: (r) => r.cpu.usPerDeliveredMessage,
        ...lower(NOISE.resources, 'cheaper'),
      },
      { label: 'cores used', unit: UNITS.cores, get: (r) => r.cpu.coresUsed, ...lower(NOISE.resources, 'cheaper') },
    ],
  },
  {
    title: 'Timing',
    metrics: [
      { label: 'time accuracy (measured − target)', unit: UNITS.ms, get: (r) => r.timing.accuracyMs },
      { label: 'start lag', unit: UNITS.ms, get: (r) => r.timing.startLagMs },
    ],
  },
  {
    title: 'Connections',
    metrics: [
      { label: 'planned', unit: UNITS.count, get: (r) => r.connections.planned },
      { label: 'opened', unit: UNITS.count, get: (r) => r.connections.opened },
      { label: 'reconnects', unit: UNITS.count, get: (r) => r.connections.reconnects },
      { label: 'failed', unit: UNITS.count, get: (r) => r.connections.failed },
      { label: 'rate-limited (429)', unit: UNITS.count, get: (r) => r.connections.rateLimited },
    ],
  },
  {
    title: 'librdkafka statistics',
    metrics: [
      {
        label: 'int_latency p99',
        unit: UNITS.latency,
        get: (r) => r.librdkafkaStats.intLatencyP99Us,
        ...lower(NOISE.latency),
      },
      {
        label: 'outbuf_latency p99',
        unit: UNITS.latency,
        get: (r) => r.librdkafkaStats.outbufLatencyP99Us,
        ...lower(NOISE.latency),
      },
      { label: 'broker rtt p99', unit: UNITS.latency, get: (r) => r.librdkafkaStats.rttP99Us, ...lower(NOISE.latency) },
      { label: 'batch size avg (bytes)', unit: UNITS.count, get: (r) => r.librdkafkaStats.batchSizeAvgBytes },
      { label: 'messages per batch avg', unit: UNITS.count, get: (r) => r.librdkafkaStats.batchCountAvg },
      { label: 'produce requests', unit: UNITS.count, get: (r) => r.librdkafkaStats.requests },
    ],
  },
]

/** Key metrics, in table order: the ones with a plain verdict. */
export const KEY_METRICS: (Metric & { group: string })[] = METRIC_GROUPS.flatMap((g) =>
  g.metrics.filter((m) => m.verdict).map((m) => ({ ...m, group: g.title })),
)
