/**
 * @module bench/fixture
 * What integration tests share: one real broker (KAFKA_BOOTSTRAP_SERVERS from `bun run test`,
 * or an embedded one), a real local feed, and a short real round of real contender programs
 * whose topics are read back and audited.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useKafka } from './broker/embedded.ts'
import { createTopic } from '../librdkafka/admin.ts'
import { Report, reportPath, type Contender } from '../contract/report.ts'
import { CONTENDER_NAMES } from '../registry/registry.ts'
import { startFeed, type Feed, type FeedOptions } from '../feed/server.ts'
import { auditTopic, type AuditResult } from './audit.ts'
import { runRound, type RoundResult } from './round.ts'
import { RunningContender } from './spawn.ts'

export interface ShortRun {
  contenders: Contender[]
  durationS?: number
  /** WARMUP_SECONDS (default 1: short runs still exercise the warm-up path) */
  warmupS?: number
  /** CONNECT_INTERVAL_MS, which the contenders' phases split (default 100) */
  connectIntervalMs?: number
  /** the race's schedule under a per-IP connection limit (the bench passes Upbit's 5 when it applies) */
  connectionsPerSecLimit?: number
  /** read the topics back and audit them right away (default true; false when the broker is down) */
  audit?: boolean
  marketsLimit?: number
  env?: Record<string, string>
  onSpawn?: (running: RunningContender) => void
  /** where the round's reports and logs go (default: a new temporary directory) */
  dir?: string
}

export interface ShortRunResult extends RoundResult {
  audit?: AuditResult
  topic: string
}

let topicCounter = 0

export class Rig {
  /** the topic each contender of the latest run() produces to (known once run() has created it) */
  readonly lastTopics = new Map<Contender, string>()

  private constructor(
    readonly bootstrap: string,
    readonly feed: Feed,
    private readonly stopKafka: () => Promise<void>,
    private readonly ownsFeed = true,
  ) {}

  static async start(feedOptions: FeedOptions = {}): Promise<Rig> {
    const kafka = await useKafka()
    const feed = await startFeed({ port: 0, rate: 500, seed: 7, ...feedOptions })
    return new Rig(kafka.bootstrap, feed, kafka.stop)
  }

  /** A rig on another broker sharing this feed; its stop() leaves both running. */
  static async withBroker(bootstrap: string, feed: Feed): Promise<Rig> {
    return new Rig(bootstrap, feed, async () => {}, false)
  }

  /** A short real round (1 s warm-up, 4 s window, 45 markets = 3 connections), then its topics audited. */
  async run(o: ShortRun): Promise<ShortRunResult[]> {
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'ukb-'))
    const tag = `${process.pid}-${Date.now()}-${topicCounter++}`
    const topicFor = (c: Contender) => `test-${tag}-${c}`
    for (const c of o.contenders) {
      await createTopic(this.bootstrap, topicFor(c), 3)
      this.lastTopics.set(c, topicFor(c))
    }
    const warmupS = o.warmupS ?? 1
    const results = await runRound({
      contenders: o.contenders,
      env: {
        KAFKA_BOOTSTRAP_SERVERS: this.bootstrap,
        UPBIT_REST_URL: this.feed.httpUrl,
        UPBIT_WS_URL: this.feed.wsUrl,
        TEST_DURATION: String(o.durationS ?? 4),
        MARKETS_LIMIT: String(o.marketsLimit ?? 45),
        CONNECT_INTERVAL_MS: String(o.connectIntervalMs ?? 100),
        RECONNECT_BASE_MS: '200',
        FLUSH_TIMEOUT_MS: '10000',
        ...o.env,
      },
      topicFor,
      dir,
      readyTimeoutMs: 60_000,
      warmupS,
      connectIntervalMs: o.connectIntervalMs ?? 100,
      connectionsPerSecLimit: o.connectionsPerSecLimit,
      // no 10-second boundary in tests: a second from now, after the warm-up
      startAt: (lastReady, now) => Math.max(now + 1000, lastReady + warmupS * 1000),
      onSpawn: o.onSpawn,
    })
    const withTopics = results.map((result) => ({ ...result, topic: topicFor(result.contender) }))
    return o.audit === false ? withTopics : Promise.all(withTopics.map((result) => this.audit(result)))
  }

  /**
   * One contender alone (no race) with `env` over a short, valid configuration, for scenarios that
   * end before or without a window. It starts a second after launch, or at `start` (`START` line),
   * or is given `{ stdin }` as is instead of a START line.
   */
  async runAlone(
    contender: Contender,
    env: Record<string, string>,
    start?: string | { stdin: string },
    onSpawn?: (running: RunningContender) => void,
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'ukb-alone-'))
    const started = performance.now()
    const proc = new RunningContender(
      contender,
      {
        KAFKA_BOOTSTRAP_SERVERS: this.bootstrap,
        UPBIT_REST_URL: this.feed.httpUrl,
        UPBIT_WS_URL: this.feed.wsUrl,
        REPORT_DIR: dir,
        TEST_DURATION: '2',
        WARMUP_SECONDS: '0',
        MARKETS_LIMIT: '15',
        START_MODE: 'stdin',
        ...env,
      },
      join(dir, `${contender}.log`),
    )
    onSpawn?.(proc)
    if (typeof start === 'object') proc.write(start.stdin)
    else proc.start(start === undefined ? Date.now() + 1000 : Number(start))
    const exitCode = await proc.exited
    const path = reportPath(env.REPORT_DIR ?? dir, contender)
    return {
      exitCode,
      /** the report dir and the log (unless env.REPORT_DIR moved the report) */
      dir,
      elapsedMs: performance.now() - started,
      output: proc.tail.join('\n'),
      report: existsSync(path) ? Report.parse(JSON.parse(readFileSync(path, 'utf8'))) : undefined,
    }
  }

  /** Reads a run's topic back and audits it against the report (again, e.g. after a broker returned). */
  async audit(result: RoundResult & { topic: string }): Promise<ShortRunResult> {
    const audit = await auditTopic({
      bootstrap: this.bootstrap,
      topic: result.topic,
      contender: result.contender,
      report: result.report,
      wasSent: (v) => this.feed.wasSent(v),
    })
    return audit ? { ...result, audit } : result
  }

  async stop(): Promise<void> {
    if (this.ownsFeed) await this.feed.stop()
    await this.stopKafka()
  }
}

/**
 * The contenders a test run covers: every registered one; TEST_CONTENDERS=bun,go narrows it (the
 * conformance runner sets it to one), and naming one the registry lacks is an error, not a skip.
 */
export function contendersUnderTest(): Contender[] {
  const wanted = process.env.TEST_CONTENDERS?.split(',').filter(Boolean) ?? [...CONTENDER_NAMES]
  const unknown = wanted.filter((c) => !CONTENDER_NAMES.includes(c))
  if (unknown.length > 0)
    throw new Error(`TEST_CONTENDERS names ${unknown.join(', ')}, not registered (${CONTENDER_NAMES.join(', ')})`)
  return wanted
}

/**
 * One line per contender with the counts a reliability scenario is judged by, printed to the
 * test log so a run's figures can be quoted (they are not asserted as speeds).
 */
export function logCounts(scenario: string, results: ShortRunResult[]): void {
  for (const r of results) {
    const m = r.report?.messages
    const c = r.report?.connections
    console.log(
      `[counts] ${scenario} | ${r.contender} | exit ${r.exitCode} | received ${m?.received ?? '-'} delivered ${m?.delivered ?? '-'} failed ${m?.failed ?? '-'} in-flight ${m?.inFlightAtEnd ?? '-'} invalid ${m?.invalid ?? '-'} | ` +
        `reconnects ${c?.reconnects ?? '-'} disconnected ${c?.disconnectedMs ?? '-'} ms rate-limited ${c?.rateLimited ?? '-'} failed-conns ${c?.failed ?? '-'} | ` +
        `topic ${r.audit?.topicCount ?? '-'} missing ${r.audit?.missingSeqs ?? '-'} duplicates ${r.audit?.duplicateSeqs ?? '-'} unknown ${r.audit?.unknownValues ?? '-'}` +
        (m && Object.keys(m.errorsByCode).length > 0 ? ` | errors ${JSON.stringify(m.errorsByCode)}` : ''),
    )
  }
}

/**
 * Runs one scenario for every contender under test at once (each its own process, its own peer),
 * so a scenario's time does not grow with the field; a failure names its contender. `atOnce`
 * bounds how many run together where a scenario asserts a time bound a CPU shared by the whole
 * field could break (a start-up deadline); scenarios that load the CPU themselves (a flood) keep
 * running contenders one at a time.
 */
export async function forEachContender(
  contenders: Contender[],
  scenario: (c: Contender) => Promise<void>,
  o: { atOnce?: number } = {},
): Promise<void> {
  const outcomes: PromiseSettledResult<void>[] = []
  let next = 0
  const lane = async () => {
    for (let i = next++; i < contenders.length; i = next++)
      outcomes[i] = await scenario(contenders[i]!).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason) => ({ status: 'rejected', reason }) as const,
      )
  }
  const lanes = Math.max(1, Math.min(o.atOnce ?? contenders.length, contenders.length))
  await Promise.all(Array.from({ length: lanes }, lane))
  const failed = outcomes.flatMap((o, i) =>
    o.status === 'rejected' ? [`${contenders[i]}: ${(o.reason as Error)?.message ?? String(o.reason)}`] : [],
  )
  if (failed.length > 0) throw new Error(failed.join('\n\n'))
}

/**
 * How many contenders a run-alone scenario runs together when it asserts a time bound: half the
 * default field of eight, so a 2-core machine starting runtimes (node, deno, python) is not
 * asked to start all of them in the same second.
 */
export const ALONE_AT_ONCE = 4
