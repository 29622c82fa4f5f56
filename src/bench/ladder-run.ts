/**
 * @module bench/ladder-run
 * `bun run bench --ladder`: each contender alone up the rate steps (bench/ladder.ts), then the
 * physical-limit rows on the same broker (src/ceilings). The comparison's side-by-side table shows
 * each contender at its highest sustained step (or its first step when none was sustained).
 */
import { join } from 'node:path'
import { measureFloor, measureLimits } from '../ceilings/measure.ts'
import type { LadderResult } from '../comparison/compare.ts'
import type { Report } from '../contract/report.ts'
import { PAIRS_INTERVAL_MS } from '../feed/limits.ts'
import type { Feed } from '../feed/server.ts'
import { runLadder } from './ladder.ts'
import type { BenchOptions } from './options.ts'
import { NO_PINNING, pinRig, unpinRig } from './pinning.ts'
import { contenderEnv } from './run-env.ts'

/** the ladder's connection pacing: 2 per 600 ms, the fastest Upbit's 5/s never refuses (11 s for 36) */
const LADDER_CONNECT_INTERVAL_MS = PAIRS_INTERVAL_MS

export async function runLadderBench(
  o: BenchOptions,
  bootstrap: string,
  feed: Feed,
  runId: string,
  runDir: string,
): Promise<{ result: LadderResult; rounds: Report[][]; failures: string[] }> {
  const connectIntervalMs = o.given.has('connect-interval-ms') ? o['connect-interval-ms'] : LADDER_CONNECT_INTERVAL_MS
  const pinning = o.pin ? pinRig() : NO_PINNING
  console.log(
    `ladder: ${o.contenders.join(', ')} over ${o['ladder-rates'].join(', ')} msg/s then bisected, ${o.rounds} round(s), ${o['step-duration']} s per step, bound p99 ${o['ladder-p99-ms']} ms; ${pinning.description}`,
  )
  const { result, steps, failures } = await runLadder({
    contenders: o.contenders,
    rates: o['ladder-rates'],
    doublings: o['ladder-doublings'],
    rounds: o.rounds,
    commandPrefix: pinning.contenderPrefix,
    contenderCores: pinning.contenderCores,
    stepDurationS: o['step-duration'],
    boundP99Us: o['ladder-p99-ms'] * 1000,
    bootstrap,
    feed,
    env: { ...contenderEnv(o, bootstrap, feed), CONNECT_INTERVAL_MS: String(connectIntervalMs) },
    dir: join(runDir, 'ladder'),
    partitions: o.partitions,
    readyTimeoutMs: o['ready-timeout-s'] * 1000,
    warmupS: o.warmup,
    connectIntervalMs,
    runId,
    onStep: (s) =>
      console.log(
        `  ${s.contender.padEnd(6)} offered ${s.offeredPerSec.toFixed(0).padStart(7)}/s delivered ${s.deliveredPerSec.toFixed(0).padStart(7)}/s ` +
          `(${(s.deliveredFraction * 100).toFixed(2)} %) pipeline p99 ${(s.pipelineP99Us / 1000).toFixed(1)} ms, ${(s.coresUsed ?? 0).toFixed(2)} cores, broker ${(s.brokerCores ?? 0).toFixed(2)} ` +
          `${s.sustained ? 'sustained' : 'NOT sustained'}${s.feedBehind ? ' (feed behind)' : ''}${s.probe === 'bisect' ? ' [bisect]' : ''}`,
      ),
  })
  result.pinning = pinning.description
  if (o.limits) {
    // the floor at 2k and at every saturation point, with the contenders' CPU budget
    const rates = [2000, ...Object.values(result.saturation).filter((x): x is number => x !== null)]
    console.log(`floor: librdkafka alone (paced C producer) at ${rates.join(', ')} msg/s`)
    result.floor = await measureFloor({
      bootstrap,
      partitions: o.partitions,
      runId,
      rates,
      seconds: o['step-duration'],
      prefix: pinning.contenderPrefix,
    })
    for (const f of result.floor)
      console.log(
        `  ${f.ratePerSec} msg/s: ${f.cpuUsPerMessage.toFixed(1)} µs CPU/msg, ack p50/p99 ${(f.ackP50Us / 1000).toFixed(1)}/${(f.ackP99Us / 1000).toFixed(1)} ms${f.behind ? ' (behind)' : ''}`,
      )
    console.log('limits: C producer on librdkafka, Kafka ProducerPerformance, feed → plain reader')
    result.limits = await measureLimits({
      bootstrap,
      feed,
      partitions: o.partitions,
      runId,
      markets: o['markets-limit'],
      prefix: pinning.contenderPrefix,
    })
    for (const l of result.limits) console.log(`  ${l.name}: ${l.messagesPerSec.toFixed(0)} msg/s (${l.note})`)
  }
  if (o.pin) unpinRig()
  // the side-by-side table: each contender at its highest sustained rate (its first step when none was)
  const best = o.contenders.flatMap((c) => {
    const mine = steps.filter((s) => s.contender === c)
    const sustained = mine.filter((s) => s.sustained).sort((a, b) => a.offeredPerSec - b.offeredPerSec)
    const pick = sustained.at(-1) ?? mine[0]
    return pick ? [pick.report] : []
  })
  return { result, rounds: best.length > 0 ? [best] : [], failures }
}
