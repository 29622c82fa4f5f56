/**
 * @module report/build
 * Assembles a contender's Report from what the run measured. Pure: no clocks, no I/O.
 */
import type { Config } from '../config.ts'
import type { Recorder } from '../metrics/recorder.ts'
import type { MemorySampler } from '../metrics/sampler.ts'
import { summarizeValues } from '../metrics/histogram.ts'
import type { ClientStats } from '../upbit/client.ts'
import type { LibrdkafkaStats, Report } from '../../contract/report.ts'
import { hostInfo } from './write.ts'

export interface RunFacts {
  config: Config
  status: Report['status']
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
  inFlightAtEnd: number
  client: ClientStats
  recorder: Recorder
  memory: MemorySampler
  librdkafkaStats: LibrdkafkaStats
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

export function buildReport(f: RunFacts): Report {
  const r = f.recorder
  const targetMs = f.config.testDurationS * 1000
  const measuredMs = Math.max(f.closedAtMs - f.openedAtMs, 0)
  const seconds = Math.max(measuredMs / 1000, 1e-9)
  const cpuUs = f.cpu.userUs + f.cpu.systemUs
  return {
    schemaVersion: 1,
    contender: f.config.contender,
    status: f.status,
    runtime: f.runtime,
    librdkafka: { version: f.librdkafkaVersion },
    host: hostInfo(),
    config: {
      testDurationS: f.config.testDurationS,
      kafkaBootstrapServers: f.config.kafkaBootstrapServers,
      topic: f.config.topic,
      upbitRestUrl: f.config.upbitRestUrl,
      upbitWsUrl: f.config.upbitWsUrl,
      marketsPerConnection: f.config.marketsPerConnection,
      connectBatch: f.config.connectBatch,
      connectIntervalMs: f.config.connectIntervalMs,
      pingIntervalMs: f.config.pingIntervalMs,
      reconnectMaxRetries: f.config.reconnectMaxRetries,
      startMode: f.config.startMode,
    },
    producerSettings: f.producerSettings,
    timing: {
      readyAtMs: f.readyAtMs,
      startMs: f.startMs,
      endMs: f.closedAtMs,
      targetDurationMs: targetMs,
      measuredDurationMs: round(measuredMs, 3),
      accuracyMs: round(measuredMs - targetMs, 3),
      startLagMs: round(f.openedAtMs - f.startMs, 3),
    },
    connections: {
      planned: f.plannedConnections,
      opened: f.client.opened,
      reconnects: f.client.reconnects,
      failed: f.client.failed,
      disconnectedMs: f.client.disconnectedMs,
      rateLimited: f.client.rateLimited,
      connectUs: summarizeValues(f.client.connectUs),
    },
    markets: { count: f.codes.length, byQuote: f.byQuote },
    messages: {
      received: r.received,
      invalid: r.invalid,
      produced: r.produced,
      delivered: r.delivered,
      failed: r.failed,
      inFlightAtEnd: f.inFlightAtEnd,
      queueFullRetries: r.queueFullRetries,
      errorsByCode: r.errorsByCode,
      invalidSamples: r.invalidSamples,
      bytesReceived: r.bytesReceived,
    },
    throughput: {
      receivedPerSec: round(r.received / seconds),
      deliveredPerSec: round(r.delivered / seconds),
      deliveredBytesPerSec: round(r.deliveredBytes / seconds),
    },
    latency: r.latency(),
    librdkafkaStats: f.librdkafkaStats,
    memory: { rssBytes: f.memory.rss.summary(), heapBytes: f.memory.heap.summary() },
    cpu: {
      userUs: Math.round(f.cpu.userUs),
      systemUs: Math.round(f.cpu.systemUs),
      usPerDeliveredMessage: r.delivered > 0 ? round(cpuUs / r.delivered, 2) : 0,
      coresUsed: f.cpu.wallMs > 0 ? round(cpuUs / 1000 / f.cpu.wallMs, 3) : 0,
    },
    intervals: r.intervals,
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
