/**
 * @module bench/main
 * `bun run bench`: starts Kafka (unless KAFKA_BOOTSTRAP_SERVERS) and the local Upbit-compatible
 * feed (unless --source upbit; playing a recording with --source replay:FILE), runs the race or the ladder, audits every topic, and publishes the
 * comparison. Returns the exit code: 0 only when every contender ran `complete` and every audit is
 * clean; 1 otherwise; 2 for bad options. SIGINT, SIGTERM and SIGHUP stop the contenders, the feed
 * and the broker it started, and exit 130 / 143 / 129. `--compare A B` only reads two finished
 * runs (bench/compare-runs).
 */
import { join, resolve } from 'node:path'
import { measureFloor } from '../ceilings/measure.ts'
import { conformanceGate } from '../conformance/gate.ts'
import type { Report } from '../contract/report.ts'
import { recordedRate, type Recording } from '../feed/replay.ts'
import { startFeed, type Feed, type FeedOptions } from '../feed/server.ts'
import { ROOT } from '../paths.ts'
import type { AuditResult } from './audit.ts'
import { useKafka } from './broker/embedded.ts'
import { compareRuns } from './compare-runs.ts'
import { runLadderBench } from './ladder-run.ts'
import { EXIT_USAGE, usageErrorLine, type EntryPoint } from '../entry-point.ts'
import { BenchOptionsError, HELP, parseBenchOptions, type BenchOptions } from './options.ts'
import { checkOutputDirs } from './output-dirs.ts'
import { gitState } from './provenance.ts'
import { publish } from './publish.ts'
import { readReplaySource } from './replay-source.ts'
import { runRace } from './race.ts'
import { contenderEnv, newRunId } from './run-env.ts'
import { once, onShutdown } from './shutdown.ts'
import { killAllContenders } from './spawn.ts'

function feedOptions(o: BenchOptions, recording: Recording | undefined): FeedOptions {
  return {
    port: 0,
    recording,
    rate: o.rate,
    seed: o.seed,
    profile: o.profile,
    upbitLimits: o['upbit-limits'] === 'on',
    wsCompression: o['ws-compression'] === 'on',
    // the ladder goes past what remembering every frame allows; the race audits values
    trackSent: !o.ladder,
  }
}

const BENCH_ENTRY: EntryPoint = { name: 'bench', command: 'bun run bench', usage: HELP }

export async function runBench(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  let o: BenchOptions
  try {
    o = parseBenchOptions(argv, env)
  } catch (error) {
    if (!(error instanceof BenchOptionsError)) throw error
    console.error(usageErrorLine(BENCH_ENTRY, error.message))
    return EXIT_USAGE
  }
  if (o.help) {
    console.log(HELP)
    return 0
  }
  // reads two finished runs: nothing to gate, start or check
  if (o.compareRuns) return compareRuns(o)
  const gate = conformanceGate(o.contenders)
  if (gate.refused.length > 0) {
    for (const line of gate.refused) console.error(line)
    return 2
  }
  if (gate.unproven.length > 0)
    console.log(
      `not yet proven by the conformance suite for their current build: ${gate.unproven.join(', ')} (\`bun run conformance NAME\`)`,
    )
  if (o.ladder && o.source !== 'local') {
    console.error('--ladder needs the local feed (--source local): the live exchange or a recording cannot be stepped')
    return 2
  }
  let recording: Recording | undefined
  try {
    checkOutputDirs(o)
    recording = readReplaySource(o)
  } catch (error) {
    if (!(error instanceof BenchOptionsError)) throw error
    console.error(error.message)
    return 2
  }
  const startedAt = new Date()
  // what the run is made from, read before anything can change the tree
  const project = gitState()
  const runId = newRunId(startedAt)
  let feed: Feed | undefined
  let kafka: Awaited<ReturnType<typeof useKafka>> | undefined
  const stopAll = once(async () => {
    await killAllContenders()
    await feed?.stop()
    await kafka?.stop()
  })
  const off = onShutdown(stopAll)
  try {
    kafka = await useKafka({ partitions: o.partitions, brokers: o.brokers as 1 | 3 })
    if (o.source !== 'upbit') feed = await startFeed(feedOptions(o, recording))
    const plays = recording
      ? `${recording.path} (${recording.frames.length} frames over ${(recording.spanMs / 1000).toFixed(1)} s, looped, ${Math.round(recordedRate(recording))} msg/s)`
      : `${o.rate} msg/s (${o.profile}, seed ${o.seed})`
    console.log(
      `run ${runId}: kafka ${kafka.bootstrap}; feed ${feed ? `${feed.wsUrl} at ${plays}, Upbit limits ${o['upbit-limits']}` : 'live Upbit'}`,
    )
    const runDir = join(resolve(ROOT, o.out), 'runs', runId)
    let rounds: Report[][]
    let audits: AuditResult[] = []
    const failures: string[] = []
    const extra: Parameters<typeof publish>[0]['extra'] = {}
    if (o.ladder) {
      const outcome = await runLadderBench(o, kafka.bootstrap, feed!, runId, runDir)
      rounds = outcome.rounds
      extra.ladder = outcome.result
      failures.push(...outcome.failures)
    } else {
      const outcome = await runRace({
        contenders: o.contenders,
        mode: o.mode,
        rounds: o.rounds,
        durationS: o.duration,
        warmupS: o.warmup,
        connectIntervalMs: o['connect-interval-ms'],
        // Upbit's 5 connection requests per second per IP, live or modelled by the feed
        connectionsPerSecLimit: o.source === 'upbit' || o['upbit-limits'] === 'on' ? 5 : undefined,
        partitions: o.partitions,
        replicationFactor: kafka.replicationFactor,
        minIsr: kafka.minIsr,
        reuseTopic: o['reuse-topic'],
        readyTimeoutMs: o['ready-timeout-s'] * 1000,
        env: contenderEnv(o, kafka.bootstrap, feed),
        bootstrap: kafka.bootstrap,
        feed,
        runId,
        runDir,
        onSpawn: (proc) => {
          if (o['fault-kill'] !== proc.contender) return
          proc.waitFor('start').then(
            () => setTimeout(() => proc.signal('SIGKILL'), (o.duration * 1000) / 2),
            () => {},
          )
        },
      })
      rounds = outcome.rounds
      audits = outcome.audits
      extra.feedWindows = outcome.feedWindows
      extra.brokerCores = outcome.brokerCores
      extra.machineBusy = outcome.machineBusy
      extra.order = outcome.order
      failures.push(...outcome.failures)
      if (o.floor === 'on' && feed) {
        const seconds = Math.min(o.duration, 30)
        // a replay's rate is the recording's mean
        const rate = recording ? Math.max(1, Math.round(recordedRate(recording))) : o.rate
        console.log(`\nfloor: librdkafka alone (paced C producer) at ${rate} msg/s for ${seconds} s`)
        ;[extra.floor] = await measureFloor({
          bootstrap: kafka.bootstrap,
          partitions: o.partitions,
          runId,
          rates: [rate],
          seconds,
        })
      }
    }
    if (rounds.flat().length > 0) {
      const broker = {
        brokers: kafka.brokers,
        replicationFactor: kafka.replicationFactor,
        minIsr: kafka.minIsr,
        external: kafka.external,
        heapMb: kafka.cluster?.heapMb,
      }
      failures.push(
        ...(await publish({ o, rounds, audits, startedAt, runDir, feed, recording, extra, argv, broker, project })),
      )
    }
    for (const audit of audits) {
      console.log(
        `audit ${audit.contender.padEnd(6)} ${audit.ok ? 'OK  ' : 'FAIL'} topic=${audit.topicCount} (warm-up ${audit.warmupCount}) delivered=${audit.delivered} missing=${audit.missingSeqs} duplicates=${audit.duplicateSeqs} unknown=${audit.unknownValues}`,
      )
    }
    for (const failure of failures) console.error(`FAILED: ${failure}`)
    return failures.length === 0 ? 0 : 1
  } finally {
    off()
    await stopAll()
  }
}
