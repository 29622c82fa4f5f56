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
import { conformanceGate } from '../conformance/gate.ts'
import { recordedRate, type Recording } from '../feed/replay.ts'
import { startFeed, type Feed, type FeedOptions } from '../feed/server.ts'
import { ROOT } from '../paths.ts'
import { useKafka } from './broker/embedded.ts'
import { compareRuns } from './compare-runs.ts'
import { runLadderBench } from './ladder-run.ts'
import { EXIT_USAGE, usageErrorLine, type EntryPoint } from '../entry-point.ts'
import { BenchOptionsError, HELP, parseBenchOptions, type BenchOptions } from './options.ts'
import { checkOutputDirs } from './output-dirs.ts'
import { gitState } from './provenance.ts'
import { publish } from './publish.ts'
import { readReplaySource } from './replay-source.ts'
import { runRaceBench } from './race-run.ts'
import { newRunId } from './run-env.ts'
import { once, onShutdown } from './shutdown.ts'
import { killAllContenders } from './spawn.ts'

function feedOptions(o: BenchOptions, recording: Recording | undefined): FeedOptions {
  return {
    port: 0,
    recording,
    rate: o.rate,
    seed: o.seed,
    profile: o.profile,
    upbitLimits: o['upbit-limits'],
    wsCompression: o['ws-compression'],
    // the ladder goes past what remembering every frame allows; the race audits values
    trackSent: !o.ladder,
  }
}

const BENCH_ENTRY: EntryPoint = { name: 'bench', command: 'bun run bench', usage: HELP }

/**
 * The options, and everything checked before a broker or contender starts: help, the conformance
 * gate, the ladder's source, the output directories, the recording. An exit code when it ends
 * the run here (--help, bad options, --compare, which only reads two finished runs).
 */
function preflight(
  argv: string[],
  env: Record<string, string | undefined>,
): number | { o: BenchOptions; recording: Recording | undefined } {
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
  return { o, recording }
}

/** The ladder's outcome in the race's shape: its result goes to the comparison beside the rounds. */
async function ladderBench(...args: Parameters<typeof runLadderBench>) {
  const { rounds, failures, result } = await runLadderBench(...args)
  return { rounds, failures, extra: { ladder: result } }
}

export async function runBench(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  const ready = preflight(argv, env)
  if (typeof ready === 'number') return ready
  const { o, recording } = ready
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
      `run ${runId}: kafka ${kafka.bootstrap}; feed ${feed ? `${feed.wsUrl} at ${plays}, Upbit limits ${o['upbit-limits'] ? 'on' : 'off'}` : 'live Upbit'}`,
    )
    const runDir = join(resolve(ROOT, o.out), 'runs', runId)
    const { rounds, audits, failures, extra } = o.ladder
      ? { audits: [], ...(await ladderBench(o, kafka.bootstrap, feed!, runId, runDir)) }
      : await runRaceBench(o, kafka, feed, recording, runId, runDir)
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
