/**
 * @module bench/race-run
 * `bun run bench` (the race): every contender on one feed over the rounds (bench/race.ts), the
 * topics audited, then, unless --floor off, librdkafka alone at the race's rate as the floor
 * (src/ceilings). The ladder's counterpart is bench/ladder-run.
 */
import { measureFloor } from '../ceilings/measure.ts'
import type { Report } from '../contract/report.ts'
import { recordedRate, type Recording } from '../feed/replay.ts'
import type { Feed } from '../feed/server.ts'
import type { AuditResult } from './audit.ts'
import type { useKafka } from './broker/embedded.ts'
import type { BenchOptions } from './options.ts'
import type { publish } from './publish.ts'
import { runRace } from './race.ts'
import { contenderEnv } from './run-env.ts'

type Kafka = Awaited<ReturnType<typeof useKafka>>

export interface RaceBenchOutcome {
  rounds: Report[][]
  audits: AuditResult[]
  failures: string[]
  extra: Parameters<typeof publish>[0]['extra']
}

export async function runRaceBench(
  o: BenchOptions,
  kafka: Kafka,
  feed: Feed | undefined,
  recording: Recording | undefined,
  runId: string,
  runDir: string,
): Promise<RaceBenchOutcome> {
  const outcome = await runRace({
    contenders: o.contenders,
    mode: o.mode,
    rounds: o.rounds,
    durationS: o.duration,
    warmupS: o.warmup,
    connectIntervalMs: o['connect-interval-ms'],
    // Upbit's 5 connection requests per second per IP, live or modelled by the feed
    connectionsPerSecLimit: o.source === 'upbit' || o['upbit-limits'] ? 5 : undefined,
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
  const extra: RaceBenchOutcome['extra'] = {
    feedWindows: outcome.feedWindows,
    brokerCores: outcome.brokerCores,
    machineBusy: outcome.machineBusy,
    order: outcome.order,
  }
  if (o.floor && feed) {
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
  return { rounds: outcome.rounds, audits: outcome.audits, failures: outcome.failures, extra }
}
