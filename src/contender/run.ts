/**
 * @module run
 * One run of the TypeScript contender, the same on Bun and Node (docs/contenders.md, behaviour):
 * start-up → paced connections → ready → warm-up → window → flush → status → report. What
 * differs per runtime (the Kafka binding, the WebSocket client's knobs) comes in the adapter.
 */
import { autoStart, withinHorizon } from './clock/boundary.ts'
import { readStartLine, sleepUntil } from './clock/start-signal.ts'
import type { Config } from './config.ts'
import type { Report } from '../contract/report.ts'
import { Interrupts } from './interrupts.ts'
import { StatsSummary } from './kafka/stats-summary.ts'
import { MeasuringWindow } from './measuring-window.ts'
import { Recorder } from './metrics/recorder.ts'
import { RunCounts } from './metrics/run-counts.ts'
import { MemorySampler } from './metrics/sampler.ts'
import { Pipeline } from './pipeline.ts'
import type { ProgressOut } from './progress.ts'
import { buildReport } from './report/build.ts'
import { writeReport } from './report/write.ts'
import { startUp, type OpenSink } from './startup.ts'
import { judge } from './status.ts'
import { UpbitClient } from './upbit/client.ts'
import { frameRules } from './upbit/frame-check.ts'
import { countByQuote } from './upbit/markets.ts'
import { planConnections } from './upbit/plan.ts'
import type { SocketFactory } from './upbit/socket.ts'

export interface RuntimeAdapter {
  runtime: Report['runtime']
  sockets: SocketFactory
  openSink: OpenSink
}

/**
 * When the window opens: auto, or the START line (refused outside the horizon). Undefined when a
 * signal came first; `{ bad }` when the START line was refused.
 */
async function windowStart(
  config: Config,
  readyAtMs: number,
  interrupts: Interrupts,
): Promise<{ startMs?: number; bad?: number }> {
  if (config.startMode === 'auto') return { startMs: autoStart(readyAtMs, config.warmupS) }
  const startMs = await Promise.race([
    readStartLine().then((ms) => ms ?? Number.NaN),
    interrupts.closed.then(() => undefined),
  ])
  if (startMs === undefined) return {}
  // stdin closed without a START (NaN): no window can be measured, as for a refused START
  if (Number.isNaN(startMs)) return { bad: Date.now() }
  return withinHorizon(startMs, Date.now()) ? { startMs } : { bad: startMs }
}

export async function runContender(
  config: Config,
  settings: Record<string, string>,
  adapter: RuntimeAdapter,
  out: ProgressOut,
): Promise<number> {
  const recorder = new Recorder()
  const counts = new RunCounts()
  const stats = new StatsSummary()
  let pipeline: Pipeline | undefined
  const { sink, markets } = await startUp(config, settings, adapter.openSink, {
    onDelivery: (seq, errName) => pipeline?.onDelivery(seq, errName),
    onStats: (json) => {
      if (pipeline?.phase === 'window') stats.add(json)
    },
    onError: (message) => out.log(`kafka: ${message}`),
  })
  const codes = markets.map((m) => m.market)
  const plan = planConnections(codes, config.marketsPerConnection, config.connectBatch, config.connectIntervalMs)
  out.log(`${codes.length} markets ${JSON.stringify(countByQuote(codes))} → ${plan.length} connections`)

  pipeline = new Pipeline(sink, recorder, counts, frameRules(config.channel, codes, config.maxFrameBytes))
  const client = new UpbitClient(plan, {
    url: config.upbitWsUrl,
    compression: config.wsCompression === 'on',
    sockets: adapter.sockets,
    ticketPrefix: config.contender,
    channel: config.channel,
    connectIntervalMs: config.connectIntervalMs,
    connectPhaseMs: config.connectPhaseMs,
    pingIntervalMs: config.pingIntervalMs,
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    silenceTimeoutMs: config.silenceTimeoutMs,
    maxRetries: config.reconnectMaxRetries,
    backoffBaseMs: config.reconnectBaseMs,
    stableMs: config.reconnectStableMs,
    maxFrameBytes: config.maxFrameBytes,
    onFrame: pipeline.onFrame,
    onFrameRefused: (reason) => pipeline?.refused(reason),
    onLog: (line) => out.log(line),
  })
  const memory = new MemorySampler()
  const interrupts = new Interrupts((signal) => out.log(`${signal}: closing the window, flushing`))

  await Promise.race([client.ready, interrupts.closed])
  const readyAtMs = Date.now()
  out.ready({ contender: config.contender, connections: client.live, markets: codes.length, atMs: readyAtMs })
  pipeline.startWarmup()

  const start = interrupts.signal ? {} : await windowStart(config, readyAtMs, interrupts)
  if (start.bad !== undefined) out.error(`START ${start.bad} refused: outside [now − 60 s, now + 1 h]`)
  if (start.startMs !== undefined) {
    out.warmup({ fromMs: readyAtMs, startMs: start.startMs })
    out.log(`warm-up until ${new Date(start.startMs).toISOString()}, then a ${config.testDurationS}-s window`)
    await sleepUntil(start.startMs, interrupts.closed)
  }

  const startMs = start.startMs ?? start.bad ?? readyAtMs
  const opens = start.startMs !== undefined && !interrupts.signal
  const openedAtMs = Date.now()
  const openedAt = performance.now()
  const cpu0 = process.cpuUsage()
  let window: MeasuringWindow | undefined
  if (opens) {
    pipeline.openWindow()
    memory.start()
    out.start({ startMs })
    window = new MeasuringWindow(openedAt, config.testDurationS, recorder, memory, client.stats, out)
    await sleepUntil(startMs + config.testDurationS * 1000, interrupts.closed)
  }

  // closed: stop reading, flush, judge, report
  pipeline.closeWindow()
  const closedAtMs = Date.now()
  window?.close(performance.now() - openedAt)
  client.close()
  if (opens) out.end({ endMs: closedAtMs })
  const longestAllDownMs = opens ? client.allDown.longestWithin(openedAtMs, closedAtMs) : 0
  const flushStarted = performance.now()
  await sink.flush(config.flushTimeoutMs)
  pipeline.stop()
  const cpu1 = process.cpuUsage(cpu0)
  memory.stop()
  const flushedAt = performance.now()
  if (recorder.inFlight > 0)
    out.log(
      `${recorder.inFlight} window messages still in flight after ${Math.round(flushedAt - flushStarted)} ms of flush`,
    )

  const verdict = judge({
    received: recorder.received,
    invalid: recorder.invalid,
    delivered: recorder.delivered,
    failed: recorder.failed,
    inFlight: recorder.inFlight,
    warmup: counts.warmup,
    targetMs: config.testDurationS * 1000,
    measuredMs: closedAtMs - openedAtMs,
    longestAllDownMs,
    plannedConnections: plan.length,
    givenUp: client.stats.failed,
    badStartMs: start.bad,
    interrupted: interrupts.signal,
  })
  const report = buildReport({
    config,
    verdict,
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
    longestAllDownMs,
    client: client.stats,
    recorder,
    counts,
    memory,
    librdkafkaStats: stats.summary,
  })
  sink.close()
  const path = writeReport(config.reportDir, report)
  out.summary(report)
  out.report({ path, status: report.status })
  interrupts.dispose()
  return verdict.exitCode
}
