/**
 * @module report/schema
 * THE report contract. Every contender (bun, node, go) writes
 * `reports/{contender}_performance_report.json` in exactly this shape; the TypeScript side
 * validates before writing, and a bun test validates the Go binary's output with this schema.
 *
 * Units are in the field names: `...Us` microseconds, `...Ms` milliseconds, `...Bytes` bytes,
 * `...PerSec` per second. Latency summaries are always microseconds.
 */
import { z } from 'zod'

export const CONTENDERS = ['bun', 'node', 'go'] as const
export const Contender = z.enum(CONTENDERS)
export type Contender = z.infer<typeof Contender>

const count = z.number().int().nonnegative()
const nonNeg = z.number().nonnegative()
const countsByKey = z.record(z.string(), count)

/** An HDR histogram read out, in microseconds. Empty histograms have count 0 and all zeros. */
export const LatencySummary = z.object({
  count,
  minUs: nonNeg,
  meanUs: nonNeg,
  p50Us: nonNeg,
  p95Us: nonNeg,
  p99Us: nonNeg,
  p999Us: nonNeg,
  maxUs: nonNeg,
})
export type LatencySummary = z.infer<typeof LatencySummary>

/** A sampled gauge (memory) over the window. */
export const GaugeSummary = z.object({ samples: count, avg: nonNeg, min: nonNeg, max: nonNeg })
export type GaugeSummary = z.infer<typeof GaugeSummary>

export const IntervalSample = z.object({
  /** end of this interval, ms after the window start */
  offsetMs: nonNeg,
  received: count,
  delivered: count,
  failed: count,
  receivedPerSec: nonNeg,
  deliveredPerSec: nonNeg,
  pipelineP99Us: nonNeg,
  rssBytes: nonNeg,
  heapBytes: nonNeg,
})
export type IntervalSample = z.infer<typeof IntervalSample>

export const InvalidSample = z.object({
  reason: z.string(),
  /** the first bytes of the frame, as UTF-8 with replacement characters */
  frame: z.string(),
  bytes: count,
})

/** Summary of librdkafka's own statistics JSON (statistics.interval.ms), averaged over samples. */
export const LibrdkafkaStats = z.object({
  samples: count,
  /** brokers[].int_latency: produce() to batch creation; high means the producer thread is starved */
  intLatencyP50Us: nonNeg,
  intLatencyP99Us: nonNeg,
  /** brokers[].outbuf_latency: time a request waits in the output buffer */
  outbufLatencyP50Us: nonNeg,
  outbufLatencyP99Us: nonNeg,
  /** brokers[].rtt: request round trip to the broker */
  rttP50Us: nonNeg,
  rttP99Us: nonNeg,
  /** topics[].batchsize / batchcnt averages (bytes per batch, messages per batch) */
  batchSizeAvgBytes: nonNeg,
  batchCountAvg: nonNeg,
  /** produce requests sent (brokers[].tx) over the window */
  requests: count,
})
export type LibrdkafkaStats = z.infer<typeof LibrdkafkaStats>

export const Report = z.object({
  schemaVersion: z.literal(1),
  contender: Contender,
  /** complete: the whole window ran; interrupted: SIGINT/SIGTERM cut it short */
  status: z.enum(['complete', 'interrupted']),
  runtime: z.object({
    name: z.enum(['bun', 'node', 'go']),
    version: z.string().min(1),
    /** which WebSocket client and which Kafka binding this runtime used */
    websocket: z.string().min(1),
    kafkaBinding: z.string().min(1),
  }),
  librdkafka: z.object({ version: z.string().min(1) }),
  host: z.object({
    platform: z.string(),
    arch: z.string(),
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    memoryBytes: nonNeg,
  }),
  config: z.object({
    testDurationS: z.number().positive(),
    kafkaBootstrapServers: z.string(),
    topic: z.string(),
    upbitRestUrl: z.string(),
    upbitWsUrl: z.string(),
    marketsPerConnection: z.number().int().positive(),
    connectBatch: z.number().int().positive(),
    connectIntervalMs: nonNeg,
    pingIntervalMs: z.number().positive(),
    reconnectMaxRetries: z.number().int().nonnegative(),
    startMode: z.enum(['auto', 'stdin']),
  }),
  /** the effective librdkafka producer properties (config/producer-settings.json plus overrides) */
  producerSettings: z.record(z.string(), z.string()),
  timing: z.object({
    /** wall-clock epoch ms when every connection was subscribed */
    readyAtMs: nonNeg,
    /** the scheduled window start (a 10-second boundary), epoch ms */
    startMs: nonNeg,
    /** when the window actually closed, epoch ms */
    endMs: nonNeg,
    targetDurationMs: nonNeg,
    measuredDurationMs: nonNeg,
    /** measured − target, ms (0 is perfect; negative when interrupted) */
    accuracyMs: z.number(),
    /** actual window open − scheduled start, ms (timer lateness) */
    startLagMs: z.number(),
  }),
  connections: z.object({
    planned: count,
    opened: count,
    reconnects: count,
    failed: count,
    /** total time connections spent disconnected after first subscribe, summed over connections */
    disconnectedMs: nonNeg,
    /** 429 answers to connection attempts */
    rateLimited: count,
    connectUs: LatencySummary,
  }),
  markets: z.object({ count, byQuote: countsByKey }),
  messages: z.object({
    /** frames received inside the window */
    received: count,
    /** frames that failed the cheap check (not JSON / unknown code); never produced */
    invalid: count,
    produced: count,
    delivered: count,
    failed: count,
    inFlightAtEnd: count,
    /** produce calls that met a full local queue and were retried after polling */
    queueFullRetries: count,
    /** failed deliveries and produce errors, by librdkafka error name */
    errorsByCode: countsByKey,
    invalidSamples: z.array(InvalidSample).max(20),
    bytesReceived: count,
  }),
  throughput: z.object({
    receivedPerSec: nonNeg,
    deliveredPerSec: nonNeg,
    deliveredBytesPerSec: nonNeg,
  }),
  latency: z.object({
    /** frame in → produce call returned */
    processing: LatencySummary,
    /** produce → delivery report */
    kafkaAck: LatencySummary,
    /** frame in → delivery report */
    pipeline: LatencySummary,
    /** the frame's own `timestamp` (ms) → delivery report; with the local feed, intended send → ack */
    exchangeToAck: LatencySummary,
  }),
  librdkafkaStats: LibrdkafkaStats,
  memory: z.object({ rssBytes: GaugeSummary, heapBytes: GaugeSummary }),
  cpu: z.object({
    userUs: nonNeg,
    systemUs: nonNeg,
    /** (user+system) / delivered, over the window */
    usPerDeliveredMessage: nonNeg,
    /** (user+system) / wall time: 1.0 is one core busy */
    coresUsed: nonNeg,
  }),
  intervals: z.array(IntervalSample),
  reliability: z.object({
    reconnects: count,
    disconnectedMs: nonNeg,
    invalidFrames: count,
    queueFullRetries: count,
    failedDeliveries: count,
    failedByCode: countsByKey,
  }),
})
export type Report = z.infer<typeof Report>

/** Where a contender writes its report. */
export function reportPath(dir: string, contender: Contender): string {
  return `${dir}/${contender}_performance_report.json`
}
