/**
 * @module report/build
 * Assembles a contender's Report (contract v2) from what the run measured. Pure: no clocks, no I/O.
 */
import type { Config } from '../config.ts'
import type { Recorder } from '../metrics/recorder.ts'
import type { RunCounts } from '../metrics/run-counts.ts'
import type { MemorySampler } from '../metrics/sampler.ts'
import { summarizeValues } from '../../contract/histogram.ts'
import { encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import type { Verdict } from '../status.ts'
import { compressionOf, type ClientStats } from '../upbit/stats.ts'
import type { LibrdkafkaStats, Report } from '../../contract/report.ts'
import { hostInfo } from './write.ts'
import { redactSettings, redactUrl } from '../../contract/redact.ts'

export interface RunFacts {
  config: Config
  verdict: Verdict
  runtime: Report['runtime']
  librdkafkaVersion: string
  producerSettings: Record<string, string>
  codes: string[]
  byQuote: Record<string, number>
  plannedConnections: number
  readyAtMs: number
  startMs: number
  /** wall ms when the window actually opened and closed */
  openedAtMs: number
  closedAtMs: number
  /** CPU µs and wall ms from window open to the end of the flush */
  cpu: { userUs: number; systemUs: number; wallMs: number }
  longestAllDownMs: number
  client: ClientStats
  recorder: Recorder
  counts: RunCounts
  memory: MemorySampler
  librdkafkaStats: LibrdkafkaStats
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

function configEcho(c: Config): Report['config'] {
  return {
    testDurationS: c.testDurationS,
    warmupS: c.warmupS,
    kafkaBootstrapServers: c.kafkaBootstrapServers,
    topic: c.topic,
    upbitRestUrl: redactUrl(c.upbitRestUrl),
    upbitWsUrl: redactUrl(c.upbitWsUrl),
    channel: c.channel,
    wsCompression: c.wsCompression,
    marketsPerConnection: c.marketsPerConnection,
    connectBatch: c.connectBatch,
    connectIntervalMs: c.connectIntervalMs,
    connectPhaseMs: c.connectPhaseMs,
    pingIntervalMs: c.pingIntervalMs,
    handshakeTimeoutMs: c.handshakeTimeoutMs,
    silenceTimeoutMs: c.silenceTimeoutMs,
    reconnectMaxRetries: c.reconnectMaxRetries,
    reconnectStableMs: c.reconnectStableMs,
    maxFrameBytes: c.maxFrameBytes,
    startMode: c.startMode,
  }
}

function connections(f: RunFacts): Report['connections'] {
  const s = f.client
  return {
    planned: f.plannedConnections,
    opened: s.opened,
    reconnects: s.reconnects,
    failed: s.failed,
    disconnectedMs: s.disconnectedMs,
    rateLimited: s.rateLimited,
    handshakeTimeouts: s.handshakeTimeouts,
    silenceReconnects: s.silenceReconnects,
    flaps: s.flaps,
    longestAllDownMs: Math.round(f.longestAllDownMs),
    compression: compressionOf(s),
    connectUs: summarizeValues(s.connectUs),
  }
}

function messages(r: Recorder, counts: RunCounts): Report['messages'] {
  return {
    received: r.received,
    invalid: r.invalid,
    produced: r.produced,
    delivered: r.delivered,
    failed: r.failed,
    // below 0 (more reports than messages) is a bug the judge calls unbalanced
    inFlightAtEnd: Math.max(r.inFlight, 0),
    queueFullRetries: r.queueFullRetries,
    errorsByCode: r.errorsByCode,
    invalidSamples: r.invalidSamples,
    bytesReceived: r.bytesReceived,
    beforeReady: counts.beforeReady,
    errorFrames: counts.errorFrames,
    statusFrames: counts.statusFrames,
  }
}

export function buildReport(f: RunFacts): Report {
  const r = f.recorder
  const targetMs = f.config.testDurationS * 1000
  const measuredMs = Math.max(f.closedAtMs - f.openedAtMs, 0)
  const seconds = Math.max(measuredMs / 1000, 1e-9)
  const cpuUs = f.cpu.userUs + f.cpu.systemUs
  return {
    schemaVersion: 2,
    contender: f.config.contender,
    status: f.verdict.status,
    statusReasons: f.verdict.reasons,
    runtime: f.runtime,
    librdkafka: { version: f.librdkafkaVersion },
    host: hostInfo(),
    config: configEcho(f.config),
    producerSettings: redactSettings(f.producerSettings),
    timing: {
      readyAtMs: f.readyAtMs,
      startMs: f.startMs,
      endMs: f.closedAtMs,
      targetDurationMs: targetMs,
      measuredDurationMs: round(measuredMs, 3),
      accuracyMs: round(measuredMs - targetMs, 3),
      startLagMs: round(f.openedAtMs - f.startMs, 3),
    },
    warmup: { targetS: f.config.warmupS, durationMs: Math.max(f.openedAtMs - f.readyAtMs, 0), ...f.counts.warmup },
    connections: connections(f),
    markets: { count: f.codes.length, byQuote: f.byQuote },
    messages: messages(r, f.counts),
    throughput: {
      receivedPerSec: round(r.received / seconds),
      deliveredPerSec: round(r.delivered / seconds),
      deliveredBytesPerSec: round(r.deliveredBytes / seconds),
    },
    latency: {
      ...r.latency(),
      histograms: {
        processing: encodeIntoCompressedBase64(r.processing),
        kafkaAck: encodeIntoCompressedBase64(r.kafkaAck),
        pipeline: encodeIntoCompressedBase64(r.pipeline),
        exchangeToAck: encodeIntoCompressedBase64(r.exchangeToAck),
      },
    },
    librdkafkaStats: f.librdkafkaStats,
    memory: { rssBytes: f.memory.rss.summary(), heapBytes: f.memory.heap.summary() },
    cpu: {
      userUs: Math.round(f.cpu.userUs),
      systemUs: Math.round(f.cpu.systemUs),
      usPerDeliveredMessage: r.delivered > 0 ? round(cpuUs / r.delivered, 2) : 0,
      coresUsed: f.cpu.wallMs > 0 ? round(cpuUs / 1000 / f.cpu.wallMs, 3) : 0,
    },
    intervals: r.intervals.samples,
    reliability: {
      reconnects: f.client.reconnects,
      disconnectedMs: f.client.disconnectedMs,
      invalidFrames: r.invalid,
      queueFullRetries: r.queueFullRetries,
      failedDeliveries: r.failed,
      failedByCode: r.errorsByCode,
    },
  }
}
