/**
 * `bun run bench`: the fair race. Starts Kafka (unless KAFKA_BOOTSTRAP_SERVERS) and the local
 * Upbit-compatible feed (unless --source upbit), runs the contenders (concurrent or isolated,
 * over rounds), audits every topic, and writes reports/performance_comparison_report.md and
 * charts/performance_comparison.png. Exit code 1 when a contender failed or the audit found a
 * difference; 2 for bad options.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { auditTopic, type AuditResult } from '../src/bench/audit.ts'
import { readEnvironment } from '../src/bench/environment.ts'
import { LiveView } from '../src/bench/live-view.ts'
import { BenchOptionsError, HELP, parseBenchOptions, type BenchOptions } from '../src/bench/options.ts'
import { runRound, type RoundResult } from '../src/bench/race.ts'
import { createTopic } from '../src/kafka/admin.ts'
import { readTopic } from '../src/kafka/ffi-consumer.ts'
import { ROOT } from '../src/paths.ts'
import { compareReports, refuseMismatched } from '../src/report/compare.ts'
import { renderCharts } from '../src/report/charts.ts'
import type { Contender, Report } from '../src/report/schema.ts'
import { startFeed, type Feed } from '../src/feed/server.ts'
import { useKafka } from './kafka.ts'

const UPBIT_REST = 'https://api.upbit.com'
const UPBIT_WS = 'wss://api.upbit.com/websocket/v1'

function schedule(o: BenchOptions): Contender[][][] {
  // rounds → groups run one after another → contenders in a group run together
  return Array.from({ length: o.rounds }, (_, round) => {
    if (o.mode === 'concurrent') return [o.contenders]
    const order = o.contenders.map((_, i) => o.contenders[(i + round) % o.contenders.length]!)
    return order.map((c) => [c])
  })
}

export interface RaceOutcome {
  rounds: Report[][]
  results: RoundResult[]
  audits: AuditResult[]
  failures: string[]
  comparisonPath?: string
  chartPath?: string
}

export async function race(o: BenchOptions, bootstrap: string, feed: Feed | undefined): Promise<RaceOutcome> {
  const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')
  const outDir = resolve(ROOT, o.out)
  const env: Record<string, string> = {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    TEST_DURATION: String(o.duration),
    UPBIT_REST_URL: feed ? feed.httpUrl : UPBIT_REST,
    UPBIT_WS_URL: feed ? feed.wsUrl : UPBIT_WS,
    MARKETS_LIMIT: String(o['markets-limit']),
    CONNECT_INTERVAL_MS: String(o['connect-interval-ms']),
  }
  const plan = schedule(o)
  const rounds: Report[][] = []
  const results: RoundResult[] = []
  const audits: AuditResult[] = []
  const failures: string[] = []
  for (const [r, groups] of plan.entries()) {
    const roundReports: Report[] = []
    for (const group of groups) {
      const dir = join(outDir, 'runs', runId, `round-${r + 1}`)
      const topicFor = (c: Contender) => `upbit-bench-${runId}-r${r + 1}-${c}`
      for (const c of group) await createTopic(bootstrap, topicFor(c), o.partitions)
      console.log(`\nround ${r + 1}/${o.rounds}: ${group.join(', ')} (${o.mode}, ${o.duration} s window)`)
      const view = new LiveView(group, o.duration)
      for (const c of group) view.phase(c, 'connecting')
      const roundResults = await runRound({
        contenders: group,
        env,
        topicFor,
        dir,
        readyTimeoutMs: o['ready-timeout-s'] * 1000,
        onEvent: (c, e) => view.event(c, e),
        onSpawn: (proc) => {
          if (o['fault-kill'] === proc.contender) {
            proc.waitFor('start').then(() => setTimeout(() => proc.signal('SIGKILL'), (o.duration * 1000) / 2), () => {})
          }
        },
      })
      for (const result of roundResults) {
        results.push(result)
        if (!result.report) {
          view.phase(result.contender, 'failed')
          failures.push(`${result.contender} (round ${r + 1}): ${result.error}`)
          continue
        }
        view.phase(result.contender, 'auditing')
        roundReports.push(result.report)
        const messages = await readTopic(bootstrap, topicFor(result.contender))
        audits.push(auditTopic(result.report, topicFor(result.contender), messages, feed ? (v) => feed.wasSent(v) : undefined))
        view.phase(result.contender, 'done')
      }
      view.stop()
    }
    rounds.push(roundReports)
  }
  for (const audit of audits.filter((a) => !a.ok)) failures.push(`audit ${audit.contender} (${audit.topic}): ${audit.problems.join('; ')}`)
  return { rounds, results, audits, failures }
}

async function main(): Promise<number> {
  let o: ReturnType<typeof parseBenchOptions>
  try {
    o = parseBenchOptions(process.argv.slice(2), process.env)
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  if (o.help) {
    console.log(HELP)
    return 0
  }
  const kafka = await useKafka({ partitions: o.partitions })
  let feed: Feed | undefined
  const stop = async () => {
    await feed?.stop()
    await kafka.stop()
  }
  process.on('SIGINT', () => void stop().then(() => process.exit(130)))
  try {
    if (o.source === 'local') feed = await startFeed({ port: 0, rate: o.rate, seed: o.seed, profile: o.profile })
    console.log(`kafka ${kafka.bootstrap}; feed ${feed ? `${feed.wsUrl} at ${o.rate} msg/s (${o.profile}, seed ${o.seed})` : 'live Upbit'}`)
    const outcome = await race(o, kafka.bootstrap, feed)
    const reports = outcome.rounds.flat()
    if (reports.length > 0) {
      refuseMismatched(reports)
      const environment = readEnvironment()
      const feedStats = feed?.stats()
      const input = {
        rounds: outcome.rounds,
        mode: o.mode,
        environment,
        settings: reports[0]!.producerSettings,
        feed: feedStats && {
          rate: o.rate,
          profile: o.profile,
          seed: o.seed,
          markets: reports[0]!.markets.count,
          lagP99Us: feedStats.lag.p99Us,
          behind: feedStats.behind,
        },
        audit: outcome.audits,
        startedAt: new Date().toISOString(),
        commandLine: `bun run bench ${process.argv.slice(2).join(' ')}`.trim(),
      }
      mkdirSync(resolve(ROOT, o.out), { recursive: true })
      const mdPath = resolve(ROOT, o.out, 'performance_comparison_report.md')
      writeFileSync(mdPath, compareReports(input))
      const charts = await renderCharts(input, resolve(ROOT, o.charts))
      console.log(`\ncomparison: ${mdPath}\nchart:      ${charts.png}`)
    }
    for (const audit of outcome.audits) {
      console.log(`audit ${audit.contender.padEnd(4)} ${audit.ok ? 'OK  ' : 'FAIL'} topic=${audit.topicCount} delivered=${audit.delivered} missing=${audit.missingSeqs} duplicates=${audit.duplicateSeqs} unknown=${audit.unknownValues}`)
    }
    for (const failure of outcome.failures) console.error(`FAILED: ${failure}`)
    return outcome.failures.length === 0 ? 0 : 1
  } finally {
    await stop()
  }
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error?.stack ?? error)
      process.exit(1)
    },
  )
}
