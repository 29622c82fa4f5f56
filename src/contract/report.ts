/**
 * @module contract/report
 * THE report contract. Every contender writes
 * `reports/{contender}_performance_report.json` in exactly this shape. The TypeScript side
 * validates with this schema before writing; set-up exports it as JSON Schema
 * (`schemas/report.schema.json`), against which Go's and Python's tests validate their real
 * reports.
 *
 * Units are in the field names: `...Us` microseconds, `...Ms` milliseconds, `...Bytes` bytes,
 * `...PerSec` per second. Latency summaries are always microseconds.
 */
import { z } from 'zod'
import { CONTENDER_NAME_PATTERN } from './env.ts'
import { CHANNELS, STATUS_CODES, SWITCH } from './rules.ts'

/** A contender's name (the harness's registry says which names exist: src/registry/). */
export const Contender = z.string().regex(new RegExp(CONTENDER_NAME_PATTERN))
export type Contender = z.infer<typeof Contender>

const count = z.number().int().nonnegative()
const nonNeg = z.number().nonnegative()
const countsByKey = z.record(z.string(), count)

/**
 * An HDR histogram read out, in microseconds (3 significant digits). Every recorded value counts,
 * zeros included (`minUs` may be 0). Empty histograms have count 0 and all zeros. Percentiles are
 * HDR's "value at percentile" (the highest value equivalent to the bucket holding that rank).
 */
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

/**
 * One HDR histogram in HdrHistogram's compressed V2 encoding (base64 of the deflated V2 payload), microseconds,
 * 3 significant digits: what hdr-histogram-js, hdrhistogram-go, Python's hdrhistogram and the hdrhistogram crate
 * all read, so rounds and runs can be pooled and users can load them into their own tools.
 */
export const EncodedHistogram = z
  .string()
  .min(1)
  .max(1_000_000)
  .regex(/^[A-Za-z0-9+/]+=*$/)

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

/**
 * Why a data frame was not produced: not a `{…}` object, no `"code":"…"`, a code not subscribed
 * on this run, no payload field of the channel (`"trade_price":<number>` for ticker and trade,
 * `"orderbook_units":[` for orderbook), larger than MAX_FRAME_BYTES, or a text frame that is not
 * UTF-8. The last two fail the connection (close 1009 / 1007) before the frame is read whole.
 */
export const InvalidReason = z.enum(['not-json', 'no-code', 'unknown-code', 'bad-payload', 'too-large', 'bad-utf8'])

export const InvalidSample = z.object({
  reason: InvalidReason,
  /** the first bytes of the frame, as UTF-8 with replacement characters; empty for a frame refused unread (`too-large`, `bad-utf8`) */
  frame: z.string(),
  /** the frame's size; 0 for a frame refused unread */
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

export const Status = z.enum(['complete', 'degraded', 'failed', 'interrupted'])
export type Status = z.infer<typeof Status>

export const StatusReason = z.object({ code: z.enum(STATUS_CODES), message: z.string().min(1) })
export type StatusReason = z.infer<typeof StatusReason>

export const Report = z.object({
  schemaVersion: z.literal(2),
  contender: Contender,
  /**
   * complete: the run met its contract; degraded / failed: it did not (see statusReasons and
   * src/contract/rules.ts); interrupted: SIGINT/SIGTERM cut the window short
   */
  status: Status,
  statusReasons: z.array(StatusReason),
  runtime: z.object({
    name: z.string().min(1),
    version: z.string().min(1),
    /** which WebSocket client and which Kafka binding this runtime used */
    websocket: z.string().min(1),
    kafkaBinding: z.string().min(1),
    /** what `memory.heapBytes` measures on this runtime (JS heap used, Go HeapAlloc, Python tracemalloc, ...) */
    heapMeaning: z.string().min(1),
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
    testDurationS: z.number().int().positive(),
    warmupS: z.number().int().nonnegative(),
    kafkaBootstrapServers: z.string(),
    topic: z.string(),
    upbitRestUrl: z.string(),
    upbitWsUrl: z.string(),
    channel: z.enum(CHANNELS),
    wsCompression: z.enum(SWITCH),
    marketsPerConnection: z.number().int().positive(),
    connectBatch: z.number().int().positive(),
    connectIntervalMs: nonNeg,
    connectPhaseMs: z.number().int().min(-1),
    pingIntervalMs: z.number().positive(),
    handshakeTimeoutMs: z.number().int().positive(),
    silenceTimeoutMs: z.number().int().nonnegative(),
    reconnectMaxRetries: z.number().int().nonnegative(),
    reconnectStableMs: z.number().int().nonnegative(),
    maxFrameBytes: z.number().int().positive(),
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
  /**
   * Produced between ready and the window (header `phase: warmup`), so the window never meets a
   * cold broker, JIT or producer. Audited separately; no other figure counts these messages.
   */
  warmup: z.object({
    /** WARMUP_SECONDS asked for */
    targetS: z.number().int().nonnegative(),
    /** from the first warm-up produce (ready) to the window start, ms */
    durationMs: nonNeg,
    /** data frames received during the warm-up (the valid ones are produced) */
    received: count,
    produced: count,
    /** delivered by the end of the run (some acks arrive after the window opened) */
    delivered: count,
    failed: count,
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
    /** attempts abandoned after HANDSHAKE_TIMEOUT_MS */
    handshakeTimeouts: count,
    /** reconnects the silence watchdog started (no data for SILENCE_TIMEOUT_MS) */
    silenceReconnects: count,
    /** drops within RECONNECT_STABLE_MS of opening (they do not reset the retry budget) */
    flaps: count,
    /** the longest stretch inside the window with no connection open, ms */
    longestAllDownMs: nonNeg,
    /**
     * the WebSocket extension the server accepted, e.g. "permessage-deflate" or "none"; when
     * connections differ, every distinct value joined with " | "
     */
    compression: z.string().min(1),
    connectUs: LatencySummary,
  }),
  markets: z.object({ count, byQuote: countsByKey }),
  messages: z.object({
    /** data frames received inside the window, valid or not */
    received: count,
    /** of those, the frames that failed the cheap check (or were too large); never produced */
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
    /** data frames that arrived before every connection was ready (read and dropped, not produced) */
    beforeReady: count,
    /** Upbit error frames (`{"error":{"name":...}}`) over the whole run, by name; never produced */
    errorFrames: countsByKey,
    /** `{"status":"UP"}` answers to text PINGs over the whole run */
    statusFrames: count,
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
    /** the window's histograms behind the four summaries above, encoded */
    histograms: z.object({
      processing: EncodedHistogram,
      kafkaAck: EncodedHistogram,
      pipeline: EncodedHistogram,
      exchangeToAck: EncodedHistogram,
    }),
  }),
  librdkafkaStats: LibrdkafkaStats,
  /** RSS from the OS; heap as `runtime.heapMeaning` says (not comparable across runtimes; RSS is) */
  memory: z.object({ rssBytes: GaugeSummary, heapBytes: GaugeSummary }),
  cpu: z.object({
    userUs: nonNeg,
    systemUs: nonNeg,
    /** (user+system) / delivered, over the window and its flush */
    usPerDeliveredMessage: nonNeg,
    /** (user+system) / wall time: 1.0 is one core busy */
    coresUsed: nonNeg,
  }),
  intervals: z.array(IntervalSample),
  /** the reliability figures the comparison shows side by side (copies of the fields above) */
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
