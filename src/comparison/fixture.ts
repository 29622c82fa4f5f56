/**
 * @module comparison/fixture
 * Realistic, schema-valid Reports for tests of the comparison and the charts: a 60-second window
 * at about 2,000 msg/s with 5-second intervals, figures shaped like each runtime's, and a `tweak`
 * to set whatever a test is about. Latency summaries come with real HDR histograms behind them
 * (comparison/histogram-fixture.ts). Every report is checked with Report.parse before it is returned.
 */
import { Report, type Contender, type LatencySummary } from '../contract/report.ts'
import type { Environment } from '../bench/environment.ts'
import { readSettingsFile } from '../librdkafka/settings-file.ts'
import { PATHS } from '../paths.ts'
import type { ComparisonInput } from './input.ts'
import { withHistograms } from './histogram-fixture.ts'

interface Profile {
  rate: number
  rssMb: number
  heapMb: number
  cpuUs: number
  pipelineP50Us: number
}

const PROFILES: Record<string, Profile> = {
  bun: { rate: 1998, rssMb: 72, heapMb: 18, cpuUs: 42, pipelineP50Us: 2100 },
  node: { rate: 1996, rssMb: 96, heapMb: 31, cpuUs: 58, pipelineP50Us: 2400 },
  go: { rate: 1999, rssMb: 29, heapMb: 9, cpuUs: 24, pipelineP50Us: 1700 },
  python: { rate: 1995, rssMb: 61, heapMb: 22, cpuUs: 95, pipelineP50Us: 2600 },
}

const RUNTIMES: Record<string, Pick<Report['runtime'], 'version' | 'websocket' | 'kafkaBinding' | 'heapMeaning'>> = {
  bun: {
    version: '1.4.5',
    websocket: 'Bun WebSocket',
    kafkaBinding: 'bun:ffi librdkafka',
    heapMeaning: 'JSC heap size',
  },
  node: {
    version: '20.20.2',
    websocket: 'undici',
    kafkaBinding: '@confluentinc/kafka-javascript',
    heapMeaning: 'V8 heapUsed',
  },
  go: {
    version: '1.26.8',
    websocket: 'gorilla/websocket',
    kafkaBinding: 'confluent-kafka-go (dynamic)',
    heapMeaning: 'HeapAlloc',
  },
  python: {
    version: '3.11.7',
    websocket: 'websockets',
    kafkaBinding: 'confluent-kafka (from source)',
    heapMeaning: 'tracemalloc current',
  },
}

/** The project's one producer settings file, as every contender echoes it. */
export const SETTINGS: Record<string, string> = readSettingsFile(PATHS.producerSettings)

/** A machine of no consequence, for tests whose subject is not the environment table. */
export const ENV: Environment = {
  cpuModel: 'x',
  cpus: 2,
  memoryBytes: 1e9,
  os: 'linux',
  bunVersion: '1',
  javaVersion: '1',
  librdkafkaVersion: '2.15.1',
  kafkaVersion: '4.1.0',
}

/** A concurrent race of these rounds on ENV, nothing audited; `extra` sets whatever a test is about. */
export function comparisonInput(rounds: Report[][], extra: Partial<ComparisonInput> = {}): ComparisonInput {
  return {
    rounds,
    mode: 'concurrent',
    environment: ENV,
    settings: SETTINGS,
    audit: [],
    startedAt: '2026-01-02T03:04:05.000Z',
    commandLine: 'bun run bench',
    ...extra,
  }
}

function latency(p50: number, count: number): LatencySummary {
  return {
    count,
    minUs: p50 * 0.3,
    meanUs: p50 * 1.2,
    p50Us: p50,
    p95Us: p50 * 2.1,
    p99Us: p50 * 3.4,
    p999Us: p50 * 6.5,
    maxUs: p50 * 11,
  }
}

/**
 * A Report for `contender` in `round` (1-based: rounds differ by a few percent, deterministically).
 * `tweak` edits the report in place before validation.
 */
export function makeReport(contender: Contender, round = 1, tweak?: (r: Report) => void): Report {
  // a contender without a profile of its own (a newly registered one) looks like bun
  const p = PROFILES[contender] ?? PROFILES.bun!
  const wobble = 1 + 0.02 * (round - 2)
  const seconds = 60
  const rate = p.rate * (1 - 0.001 * (round - 1))
  const received = Math.round(rate * seconds)
  const delivered = received
  const startMs = 1_760_000_000_000 + round * 100_000
  const intervals = Array.from({ length: 12 }, (_, i) => {
    const perSec = rate * (1 + 0.04 * Math.sin(i + round))
    const n = Math.round(perSec * 5)
    return {
      offsetMs: (i + 1) * 5000,
      received: n,
      delivered: n,
      failed: 0,
      receivedPerSec: perSec,
      deliveredPerSec: perSec,
      pipelineP99Us: p.pipelineP50Us * 3.4 * (1 + 0.1 * Math.cos(i)),
      rssBytes: p.rssMb * 1e6 * (0.85 + 0.015 * i) * wobble,
      heapBytes: p.heapMb * 1e6 * (0.9 + 0.01 * i),
    }
  })
  const report: Report = {
    schemaVersion: 2,
    contender,
    status: 'complete',
    statusReasons: [],
    runtime: {
      name: contender,
      ...(RUNTIMES[contender] ?? RUNTIMES.bun!),
    },
    librdkafka: { version: '2.15.1' },
    host: { platform: 'linux', arch: 'x64', cpus: 4, cpuModel: 'AMD EPYC 7B13', memoryBytes: 16e9 },
    config: {
      testDurationS: seconds,
      warmupS: 10,
      kafkaBootstrapServers: '127.0.0.1:9092',
      topic: `upbit-bench-r${round}-${contender}`,
      upbitRestUrl: 'http://127.0.0.1:40000',
      upbitWsUrl: 'ws://127.0.0.1:40000/websocket/v1',
      channel: 'ticker',
      wsCompression: 'on',
      marketsPerConnection: 15,
      connectBatch: 2,
      connectIntervalMs: 2000,
      connectPhaseMs: 0,
      pingIntervalMs: 20000,
      handshakeTimeoutMs: 15000,
      silenceTimeoutMs: 30000,
      reconnectMaxRetries: 3,
      reconnectStableMs: 10000,
      maxFrameBytes: 1048576,
      startMode: 'stdin',
    },
    producerSettings: { ...SETTINGS },
    timing: {
      readyAtMs: startMs - 4000,
      startMs,
      endMs: startMs + seconds * 1000 + 3,
      targetDurationMs: seconds * 1000,
      measuredDurationMs: seconds * 1000 + 3,
      accuracyMs: 3,
      startLagMs: 1,
    },
    warmup: { targetS: 10, durationMs: 12_000, received: 24_000, produced: 24_000, delivered: 24_000, failed: 0 },
    connections: {
      planned: 16,
      opened: 16,
      reconnects: 0,
      failed: 0,
      disconnectedMs: 0,
      rateLimited: 0,
      handshakeTimeouts: 0,
      silenceReconnects: 0,
      flaps: 0,
      longestAllDownMs: 0,
      compression: 'permessage-deflate',
      connectUs: latency(9000 * wobble, 16),
    },
    markets: { count: 235, byQuote: { KRW: 120, BTC: 80, USDT: 35 } },
    messages: {
      received,
      invalid: 0,
      produced: received,
      delivered,
      failed: 0,
      inFlightAtEnd: 0,
      queueFullRetries: 0,
      errorsByCode: {},
      invalidSamples: [],
      bytesReceived: received * 620,
      beforeReady: 0,
      errorFrames: {},
      statusFrames: 0,
    },
    throughput: {
      receivedPerSec: rate,
      deliveredPerSec: delivered / seconds,
      deliveredBytesPerSec: (delivered * 620) / seconds,
    },
    latency: withHistograms({
      processing: latency(18 * wobble, received),
      kafkaAck: latency((p.pipelineP50Us - 30) * wobble, delivered),
      pipeline: latency(p.pipelineP50Us * wobble, delivered),
      exchangeToAck: latency((p.pipelineP50Us + 400) * wobble, delivered),
    }),
    librdkafkaStats: {
      samples: 60,
      intLatencyP50Us: 40,
      intLatencyP99Us: 180,
      outbufLatencyP50Us: 25,
      outbufLatencyP99Us: 120,
      rttP50Us: 900,
      rttP99Us: 2600,
      batchSizeAvgBytes: 7400,
      batchCountAvg: 12,
      requests: 9800,
    },
    memory: {
      rssBytes: { samples: 60, avg: p.rssMb * 1e6 * wobble, min: p.rssMb * 0.8e6, max: p.rssMb * 1.1e6 * wobble },
      heapBytes: { samples: 60, avg: p.heapMb * 1e6, min: p.heapMb * 0.8e6, max: p.heapMb * 1.2e6 },
    },
    cpu: {
      userUs: p.cpuUs * delivered * 0.8 * wobble,
      systemUs: p.cpuUs * delivered * 0.2 * wobble,
      usPerDeliveredMessage: p.cpuUs * wobble,
      coresUsed: (p.cpuUs * wobble * delivered) / (seconds * 1e6),
    },
    intervals,
    reliability: {
      reconnects: 0,
      disconnectedMs: 0,
      invalidFrames: 0,
      queueFullRetries: 0,
      failedDeliveries: 0,
      failedByCode: {},
    },
  }
  tweak?.(report)
  return Report.parse(report)
}
