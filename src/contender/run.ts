/**
 * @module contender
 * One run of the TypeScript contender, the same on Bun and Node (docs/contenders.md): broker
 * check → markets → paced connections → ready → window on the start signal → flush → report.
 * The runtime-specific part (which Kafka binding) comes in as `openSink`.
 */
import { sleepUntil, startTime } from './clock/start-signal.ts'
import type { Config } from './config.ts'
import type { LibrdkafkaStats, Report } from '../contract/report.ts'
import { Recorder } from './metrics/recorder.ts'
import { MemorySampler } from './metrics/sampler.ts'
import { Pipeline } from './pipeline.ts'
import { buildReport } from './report/build.ts'
import { writeReport } from './report/write.ts'
import { UpbitClient } from './upbit/client.ts'
import { countByQuote, fetchMarkets } from './upbit/markets.ts'
import { planConnections } from './upbit/plan.ts'
import type { Sink, SinkHandlers } from './kafka/sink.ts'
import type { ProgressOut } from './progress.ts'

export interface RuntimeAdapter {
  runtime: Report['runtime']
  openSink(config: Config, settings: Record<string, string>, handlers: SinkHandlers): Promise<Sink>
  summarizeStats(samples: string[]): LibrdkafkaStats
}

/** Exit codes of docs/contenders.md */
export const EXIT = { ok: 0, config: 2, broker: 3, markets: 4, interrupted: { SIGINT: 130, SIGTERM: 143 } } as const

export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export async function runContender(config: Config, settings: Record<string, string>, adapter: RuntimeAdapter, out: ProgressOut): Promise<number> {
  const recorder = new Recorder()
  const statsSamples: string[] = []
  let pipeline: Pipeline | undefined
  const sink = await adapter.openSink(config, settings, {
    onDelivery: (seq, errName) => pipeline?.onDelivery(seq, errName),
    onStats: (json) => {
      if (pipeline?.measuring) statsSamples.push(json)
    },
    onError: (message) => out.log(`kafka: ${message}`),
  })
  try {
    await sink.checkBroker(config.startupTimeoutMs)
  } catch (error) {
    sink.close()
    throw new StartupError(`Kafka at ${config.kafkaBootstrapServers} unreachable: ${(error as Error).message}`, EXIT.broker, { cause: error })
  }

  let markets
  try {
    markets = await fetchMarkets(config.upbitRestUrl, config.startupTimeoutMs, config.marketsLimit)
  } catch (error) {
    sink.close()
    throw new StartupError((error as Error).message, EXIT.markets, { cause: error })
  }
  const codes = markets.map((m) => m.market)
  const plan = planConnections(codes, config.marketsPerConnection, config.connectBatch, config.connectIntervalMs)
  out.log(`${codes.length} markets ${JSON.stringify(countByQuote(codes))} → ${plan.length} connections`)

  pipeline = new Pipeline(sink, recorder, codes)
  const client = new UpbitClient(plan, {
    url: config.upbitWsUrl,
    ticketPrefix: config.contender,
    pingIntervalMs: config.pingIntervalMs,
    maxRetries: config.reconnectMaxRetries,
    backoffBaseMs: config.reconnectBaseMs,
    onFrame: pipeline.onFrame,
    onLog: (line) => out.log(line),
  })
  const memory = new MemorySampler()

  // SIGINT/SIGTERM close the window early; the report says so
  let interrupted: 'SIGINT' | 'SIGTERM' | undefined
  // Node 20 has no Promise.withResolvers
  let closeWindow!: () => void
  const windowClosed = new Promise<void>((r) => (closeWindow = r))
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (interrupted) return
    interrupted = signal
    out.log(`${signal}: closing the window, flushing`)
    closeWindow()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  await Promise.race([client.ready, windowClosed])
  const readyAtMs = Date.now()
  out.event({ event: 'ready', contender: config.contender, connections: client.live, markets: codes.length, atMs: readyAtMs })
  const startMs = interrupted ? readyAtMs : await Promise.race([startTime(config.startMode), windowClosed.then(() => Date.now())])
  if (!interrupted) {
    out.log(`window: ${new Date(startMs).toISOString()} for ${config.testDurationS} s`)
    await Promise.race([sleepUntil(startMs), windowClosed])
  }

  const openedAtMs = Date.now()
  const openedAt = performance.now()
  const cpu0 = process.cpuUsage()
  pipeline.measuring = !interrupted
  memory.start()
  out.event({ event: 'start', startMs })
  const ticker = setInterval(() => {
    const offsetMs = performance.now() - openedAt
    const sample = recorder.interval(offsetMs, memory.last.rssBytes, memory.last.heapBytes)
    out.metrics(sample, recorder)
    if (Math.round(offsetMs / 1000) % 10 === 0) out.progress(offsetMs, config.testDurationS, recorder, client.stats)
  }, 5000)
  const endTimer = setTimeout(closeWindow, Math.max(startMs + config.testDurationS * 1000 - Date.now(), 0))
  await windowClosed

  // window closed: stop reading, flush, report
  pipeline.measuring = false
  const closedAtMs = Date.now()
  clearInterval(ticker)
  clearTimeout(endTimer)
  client.close()
  out.event({ event: 'end', endMs: closedAtMs })
  const closedOffset = performance.now() - openedAt
  if (recorder.intervals.at(-1)?.offsetMs !== Math.round(closedOffset)) recorder.interval(closedOffset, memory.last.rssBytes, memory.last.heapBytes)
  pipeline.stop()
  const remaining = await sink.flush(config.flushTimeoutMs)
  const cpu1 = process.cpuUsage(cpu0)
  memory.stop()
  const flushedAt = performance.now()

  const report = buildReport({
    config,
    status: interrupted ? 'interrupted' : 'complete',
    runtime: adapter.runtime,
    librdkafkaVersion: sink.librdkafkaVersion,
    producerSettings: sink.settings,
    codes,
    byQuote: countByQuote(codes),
    plannedConnections: plan.length,
    readyAtMs,
    startMs,
    openedAtMs,
    closedAtMs,
    cpu: { userUs: cpu1.user, systemUs: cpu1.system, wallMs: flushedAt - openedAt },
    inFlightAtEnd: remaining,
    client: client.stats,
    recorder,
    memory,
    librdkafkaStats: adapter.summarizeStats(statsSamples),
  })
  sink.close()
  const path = writeReport(config.reportDir, report)
  out.summary(report)
  out.event({ event: 'report', path })
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  return interrupted ? EXIT.interrupted[interrupted] : EXIT.ok
}
