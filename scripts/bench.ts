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
import { runLadder } from '../src/bench/ladder.ts'
import { soakSection, soakVerdict } from '../src/bench/soak.ts'
import { measureLimits } from '../src/ceilings/measure.ts'
import { createTopic } from '../src/librdkafka/admin.ts'
import { readTopic } from '../src/librdkafka/consumer.ts'
import { ROOT } from '../src/paths.ts'
import { compareReports, refuseMismatched, type ComparisonInput, type LadderResult } from '../src/comparison/compare.ts'
import { renderCharts } from '../src/comparison/charts.ts'
import type { Contender, Report } from '../src/contract/report.ts'
import { startFeed, type Feed, type FeedStats } from '../src/feed/server.ts'
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
  /** the feed's stats over each group's window (reset at its start, read before the audit) */
  feedWindows: FeedStats[]
  results: RoundResult[]
  audits: AuditResult[]
  failures: string[]
  comparisonPath?: string
  chartPath?: string
}

export async function race(o: BenchOptions, bootstrap: string, feed: Feed | undefined): Promise<RaceOutcome> {
  const runId = runIdOf(new Date())
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
  const feedWindows: FeedStats[] = []
  for (const [r, groups] of plan.entries()) {
    const roundReports: Report[] = []
    for (const group of groups) {
      const dir = join(outDir, 'runs', runId, `round-${r + 1}`)
      const topicFor = (c: Contender) => `upbit-bench-${runId}-r${r + 1}-${c}`
      for (const c of group) await createTopic(bootstrap, topicFor(c), o.partitions)
      console.log(`\nround ${r + 1}/${o.rounds}: ${group.join(', ')} (${o.mode}, ${o.duration} s window)`)
      const view = new LiveView(group, o.duration)
      let windowOpened = false
      for (const c of group) view.phase(c, 'connecting')
      const roundResults = await runRound({
        contenders: group,
        env,
        topicFor,
        dir,
        readyTimeoutMs: o['ready-timeout-s'] * 1000,
        onEvent: (c, e) => {
          // the feed's lag and counts are judged over the window only, not the connection ramp
          if (e.event === 'start' && !windowOpened) {
            windowOpened = true
            feed?.resetCounts()
          }
          view.event(c, e)
        },
        onSpawn: (proc) => {
          if (o['fault-kill'] === proc.contender) {
            proc.waitFor('start').then(() => setTimeout(() => proc.signal('SIGKILL'), (o.duration * 1000) / 2), () => {})
          }
        },
      })
      if (feed) feedWindows.push(feed.stats())
      for (const result of roundResults) {
        results.push(result)
        if (!result.report) {
          view.phase(result.contender, 'failed')
          failures.push(`${result.contender} (round ${r + 1}): ${result.error}`)
          // whatever reached its topic is unaccounted for: no report claims it
          const orphans = await readTopic(bootstrap, topicFor(result.contender))
          if (orphans.length > 0) {
            failures.push(`audit ${result.contender} (${topicFor(result.contender)}): topic holds ${orphans.length} messages but the contender wrote no report, so none of them is accounted for`)
          }
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
  return { rounds, feedWindows, results, audits, failures }
}

function runIdOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')
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
  if (o.ladder && o.source !== 'local') {
    console.error('--ladder needs the local feed (--source local): the live exchange cannot be stepped')
    return 2
  }
  // --soak is the 10-minute leak check unless a duration was asked for
  if (o.soak && !process.argv.includes('--duration') && !process.env.TEST_DURATION) o.duration = 600
  const startedAt = new Date()
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
    const failures: string[] = []
    let rounds: Report[][]
    let audits: AuditResult[] = []
    let ladder: LadderResult | undefined
    let feedWindows: FeedStats[] = []
    if (o.ladder) {
      const outcome = await ladderRun(o, kafka.bootstrap, feed!, runIdOf(startedAt))
      ladder = outcome.result
      rounds = outcome.rounds
      failures.push(...outcome.failures)
    } else {
      const outcome = await race(o, kafka.bootstrap, feed)
      rounds = outcome.rounds
      audits = outcome.audits
      feedWindows = outcome.feedWindows
      failures.push(...outcome.failures)
    }
    const reports = rounds.flat()
    if (reports.length > 0) {
      refuseMismatched(reports)
      // the worst window the feed had (lag over the windows, not over set-up and audits)
      // (the ladder steps the rate and flags the feed per step instead: no single feed row)
      const windows = o.ladder ? [] : feedWindows.length > 0 ? feedWindows : feed ? [feed.stats()] : []
      const feedStats = windows.length > 0 ? { lag: { p99Us: Math.max(...windows.map((w) => w.lag.p99Us)) }, behind: windows.some((w) => w.behind) } : undefined
      const input: ComparisonInput = {
        rounds,
        mode: o.ladder ? 'isolated' : o.mode,
        environment: readEnvironment(),
        settings: reports[0]!.producerSettings,
        feed: feedStats && {
          rate: o.rate,
          profile: o.profile,
          seed: o.seed,
          markets: reports[0]!.markets.count,
          lagP99Us: feedStats.lag.p99Us,
          behind: feedStats.behind,
        },
        audit: audits,
        startedAt: startedAt.toISOString(),
        commandLine: `bun run bench ${process.argv.slice(2).join(' ')}`.trim(),
        ladder,
      }
      mkdirSync(resolve(ROOT, o.out), { recursive: true })
      const mdPath = resolve(ROOT, o.out, 'performance_comparison_report.md')
      let markdown = compareReports(input)
      if (o.soak) {
        const verdicts = reports.map(soakVerdict)
        markdown += `\n${soakSection(verdicts)}`
        for (const v of verdicts.filter((x) => x.flagged)) failures.push(`soak ${v.contender}: RSS grew ${(v.growthBytes / 1048576).toFixed(1)} MB (${(v.growthFraction * 100).toFixed(1)} %)`)
      }
      writeFileSync(mdPath, markdown)
      // everything the markdown and charts were made from, to re-render or compare later
      writeFileSync(resolve(ROOT, o.out, 'performance_comparison_input.json'), JSON.stringify(input))
      const charts = await renderCharts(input, resolve(ROOT, o.charts))
      console.log(`\ncomparison: ${mdPath}\nchart:      ${charts.png}${ladder ? `\nladder:     ${resolve(ROOT, o.charts, 'ladder.png')}` : ''}`)
    }
    for (const audit of audits) {
      console.log(`audit ${audit.contender.padEnd(4)} ${audit.ok ? 'OK  ' : 'FAIL'} topic=${audit.topicCount} delivered=${audit.delivered} missing=${audit.missingSeqs} duplicates=${audit.duplicateSeqs} unknown=${audit.unknownValues}`)
    }
    for (const failure of failures) console.error(`FAILED: ${failure}`)
    return failures.length === 0 ? 0 : 1
  } finally {
    await stop()
  }
}

/** --ladder: each contender alone up the rate steps, then the physical-limit rows. */
async function ladderRun(o: BenchOptions, bootstrap: string, feed: Feed, runId: string) {
  const outDir = resolve(ROOT, o.out)
  console.log(`ladder: ${o.contenders.join(', ')} over ${o['ladder-rates'].join(', ')} msg/s, ${o['step-duration']} s per step, bound p99 ${o['ladder-p99-ms']} ms`)
  const { result, steps, failures } = await runLadder({
    contenders: o.contenders,
    rates: o['ladder-rates'],
    stepDurationS: o['step-duration'],
    boundP99Us: o['ladder-p99-ms'] * 1000,
    bootstrap,
    feed,
    env: {
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      UPBIT_REST_URL: feed.httpUrl,
      UPBIT_WS_URL: feed.wsUrl,
      MARKETS_LIMIT: String(o['markets-limit']),
      CONNECT_INTERVAL_MS: String(o['connect-interval-ms']),
    },
    dir: join(outDir, 'runs', runId, 'ladder'),
    partitions: o.partitions,
    readyTimeoutMs: o['ready-timeout-s'] * 1000,
    runId,
    onStep: (s) =>
      console.log(
        `  ${s.contender.padEnd(4)} offered ${s.offeredPerSec.toFixed(0).padStart(7)}/s delivered ${s.deliveredPerSec.toFixed(0).padStart(7)}/s ` +
          `(${(s.deliveredFraction * 100).toFixed(2)} %) pipeline p99 ${(s.pipelineP99Us / 1000).toFixed(1)} ms ${s.sustained ? 'sustained' : 'NOT sustained'}${s.feedBehind ? ' (feed behind)' : ''}`,
      ),
  })
  if (o.limits === 'on') {
    console.log('limits: C producer on librdkafka, Kafka ProducerPerformance, feed → plain reader')
    result.limits = await measureLimits({ bootstrap, feed, partitions: o.partitions, runId, markets: o['markets-limit'] })
    for (const l of result.limits) console.log(`  ${l.name}: ${l.messagesPerSec.toFixed(0)} msg/s (${l.note})`)
  }
  // the comparison's side-by-side table shows each contender at its highest sustained step
  // (or its first step when none was sustained)
  const best = o.contenders.flatMap((c) => {
    const mine = steps.filter((s) => s.contender === c)
    const pick = mine.filter((s) => s.sustained).at(-1) ?? mine[0]
    return pick ? [pick.report] : []
  })
  return { result, rounds: best.length > 0 ? [best] : [], failures }
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
