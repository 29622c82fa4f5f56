/**
 * @module run
 * One run of the TypeScript contender, the same on Bun, Node and Deno (docs/contenders.md,
 * behaviour), one method per phase, named alike in every contender (docs/architecture.md, "One
 * module map"): startUp → connect → warmUp → measure → flush → report. Its fields are what one
 * phase hands the next. What differs per runtime (the Kafka binding, the WebSocket client's
 * knobs) comes in the adapter.
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
import type { Sink } from './kafka/sink.ts'
import { judge } from './report/status.ts'
import { UpbitClient } from './upbit/client.ts'
import { frameRules } from './upbit/frame-check.ts'
import { countByQuote } from './upbit/markets.ts'
import { planConnections } from './upbit/plan.ts'
import type { PlannedConnection } from './upbit/plan.ts'
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
  return new Run(config, settings, adapter, out).run()
}

class Run {
  private readonly recorder = new Recorder()
  private readonly counts = new RunCounts()
  private readonly stats = new StatsSummary()
  private readonly memory = new MemorySampler()
  /** built first: the producer is opened with its delivery handler */
  private readonly pipeline = new Pipeline(this.recorder, this.counts)
  private sink!: Sink
  private codes: string[] = []
  private plan: PlannedConnection[] = []
  private client!: UpbitClient
  private interrupts!: Interrupts

  private readyAtMs = 0
  private start: { startMs?: number; bad?: number } = {}
  private opens = false
  private openedAtMs = 0
  private openedAt = 0
  private window?: MeasuringWindow
  private closedAtMs = 0
  private longestAllDownMs = 0
  private cpu0?: NodeJS.CpuUsage
  private cpu = { user: 0, system: 0 }
  private flushedAt = 0

  constructor(
    private readonly config: Config,
    private readonly settings: Record<string, string>,
    private readonly adapter: RuntimeAdapter,
    private readonly out: ProgressOut,
  ) {}

  async run(): Promise<number> {
    await this.startUp()
    this.connect()
    await this.warmUp()
    await this.measure()
    await this.flush()
    return this.report()
  }

  /** The producer, the broker's answer, the market list; a failure is a StartupError and no report. */
  private async startUp(): Promise<void> {
    const { sink, markets } = await startUp(this.config, this.settings, this.adapter.openSink, {
      onDelivery: this.pipeline.onDelivery,
      onStats: (json) => {
        if (this.pipeline.phase === 'window') this.stats.add(json)
      },
      onError: (message) => this.out.log(`kafka: ${message}`),
    })
    this.sink = sink
    this.codes = markets.map((m) => m.market)
  }

  /** The plan, the pipeline's producer and rules, the client opening its connections. */
  private connect(): void {
    const { config, out, codes } = this
    this.plan = planConnections(codes, config.marketsPerConnection, config.connectBatch, config.connectIntervalMs)
    out.log(`${codes.length} markets ${JSON.stringify(countByQuote(codes))} → ${this.plan.length} connections`)
    this.pipeline.attach(this.sink, frameRules(config.channel, codes))
    this.client = new UpbitClient(this.plan, {
      url: config.upbitWsUrl,
      compression: config.wsCompression === 'on',
      sockets: this.adapter.sockets,
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
      onFrame: this.pipeline.onFrame,
      onFrameRefused: this.pipeline.refused,
      onLog: (line) => out.log(line),
    })
    this.interrupts = new Interrupts((signal) => out.log(`${signal}: closing the window, flushing`))
  }

  /** `ready` once every connection is settled, then warm-up produce until the window's start. */
  private async warmUp(): Promise<void> {
    const { config, out, interrupts, client } = this
    await Promise.race([client.ready, interrupts.closed])
    this.readyAtMs = Date.now()
    out.ready({
      contender: config.contender,
      connections: client.live,
      markets: this.codes.length,
      atMs: this.readyAtMs,
    })
    this.pipeline.startWarmup()

    this.start = interrupts.signal ? {} : await windowStart(config, this.readyAtMs, interrupts)
    const { startMs, bad } = this.start
    if (bad !== undefined) out.error(`START ${bad} refused: outside [now − 60 s, now + 1 h]`)
    if (startMs !== undefined) {
      out.warmup({ fromMs: this.readyAtMs, startMs })
      out.log(`warm-up until ${new Date(startMs).toISOString()}, then a ${config.testDurationS}-s window`)
      await sleepUntil(startMs, interrupts.closed)
    }
  }

  /** The window: `start`, a metrics line every 5 s, until TEST_DURATION or a signal; `end`. */
  private async measure(): Promise<void> {
    const { config, out, interrupts } = this
    const startMs = this.startMs()
    this.opens = this.start.startMs !== undefined && !interrupts.signal
    this.openedAtMs = Date.now()
    this.openedAt = performance.now()
    const cpu0 = process.cpuUsage()
    if (this.opens) {
      this.pipeline.openWindow()
      this.memory.start()
      out.start({ startMs })
      this.window = new MeasuringWindow(
        this.openedAt,
        config.testDurationS,
        this.recorder,
        this.memory,
        this.client.stats,
        out,
      )
      await sleepUntil(startMs + config.testDurationS * 1000, interrupts.closed)
    }
    // closed: stop reading
    this.pipeline.closeWindow()
    this.closedAtMs = Date.now()
    this.window?.close(performance.now() - this.openedAt)
    this.client.close()
    if (this.opens) out.end({ endMs: this.closedAtMs })
    this.longestAllDownMs = this.opens ? this.client.allDown.longestWithin(this.openedAtMs, this.closedAtMs) : 0
    this.cpu0 = cpu0
  }

  /** FLUSH_TIMEOUT_MS of flush; the clocks stopped. */
  private async flush(): Promise<void> {
    const flushStarted = performance.now()
    await this.sink.flush(this.config.flushTimeoutMs)
    this.pipeline.stop()
    this.cpu = process.cpuUsage(this.cpu0)
    this.memory.stop()
    this.flushedAt = performance.now()
    if (this.recorder.inFlight > 0)
      this.out.log(
        `${this.recorder.inFlight} window messages still in flight after ${Math.round(this.flushedAt - flushStarted)} ms of flush`,
      )
  }

  /** Status judged, report built, checked against the schema, written; the exit code by status. */
  private report(): number {
    const { config, recorder, counts, client, out } = this
    const verdict = judge({
      received: recorder.received,
      invalid: recorder.invalid,
      delivered: recorder.delivered,
      failed: recorder.failed,
      inFlight: recorder.inFlight,
      warmup: counts.warmup,
      targetMs: config.testDurationS * 1000,
      measuredMs: this.closedAtMs - this.openedAtMs,
      longestAllDownMs: this.longestAllDownMs,
      plannedConnections: this.plan.length,
      givenUp: client.stats.failed,
      badStartMs: this.start.bad,
      interrupted: this.interrupts.signal,
    })
    const report = buildReport({
      config,
      verdict,
      runtime: this.adapter.runtime,
      librdkafkaVersion: this.sink.librdkafkaVersion,
      producerSettings: this.sink.settings,
      codes: this.codes,
      byQuote: countByQuote(this.codes),
      plannedConnections: this.plan.length,
      readyAtMs: this.readyAtMs,
      startMs: this.startMs(),
      openedAtMs: this.openedAtMs,
      closedAtMs: this.closedAtMs,
      cpu: { userUs: this.cpu.user, systemUs: this.cpu.system, wallMs: this.flushedAt - this.openedAt },
      longestAllDownMs: this.longestAllDownMs,
      client: client.stats,
      recorder,
      counts,
      memory: this.memory,
      librdkafkaStats: this.stats.summary,
    })
    this.sink.close()
    const path = writeReport(config.reportDir, report)
    out.summary(report)
    out.report({ path, status: report.status })
    this.interrupts.dispose()
    return verdict.exitCode
  }

  /** The window's start: the agreed one, else the refused START, else ready. */
  private startMs(): number {
    return this.start.startMs ?? this.start.bad ?? this.readyAtMs
  }
}
