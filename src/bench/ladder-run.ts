/**
 * @module bench/ladder-run
 * `bun run bench --ladder`: each contender alone up the rate steps (bench/ladder.ts), then the
 * physical-limit rows on the same broker (src/ceilings). The comparison's side-by-side table shows
 * each contender at its highest sustained step (or its first step when none was sustained).
 */
import { join } from 'node:path'
import { measureLimits } from '../ceilings/measure.ts'
import type { LadderResult } from '../comparison/compare.ts'
import type { Report } from '../contract/report.ts'
import type { Feed } from '../feed/server.ts'
import { runLadder } from './ladder.ts'
import { contenderEnv } from './run-env.ts'
import type { BenchOptions } from './options.ts'

export async function runLadderBench(
  o: BenchOptions,
  bootstrap: string,
  feed: Feed,
  runId: string,
  runDir: string,
): Promise<{ result: LadderResult; rounds: Report[][]; failures: string[] }> {
  console.log(`ladder: ${o.contenders.join(', ')} over ${o['ladder-rates'].join(', ')} msg/s, ${o['step-duration']} s per step, bound p99 ${o['ladder-p99-ms']} ms`)
  const { result, steps, failures } = await runLadder({
    contenders: o.contenders,
    rates: o['ladder-rates'],
    stepDurationS: o['step-duration'],
    boundP99Us: o['ladder-p99-ms'] * 1000,
    bootstrap,
    feed,
    env: contenderEnv(o, bootstrap, feed),
    dir: join(runDir, 'ladder'),
    partitions: o.partitions,
    readyTimeoutMs: o['ready-timeout-s'] * 1000,
    warmupS: o.warmup,
    connectIntervalMs: o['connect-interval-ms'],
    runId,
    onStep: (s) =>
      console.log(
        `  ${s.contender.padEnd(6)} offered ${s.offeredPerSec.toFixed(0).padStart(7)}/s delivered ${s.deliveredPerSec.toFixed(0).padStart(7)}/s ` +
          `(${(s.deliveredFraction * 100).toFixed(2)} %) pipeline p99 ${(s.pipelineP99Us / 1000).toFixed(1)} ms ${s.sustained ? 'sustained' : 'NOT sustained'}${s.feedBehind ? ' (feed behind)' : ''}`,
      ),
  })
  if (o.limits === 'on') {
    console.log('limits: C producer on librdkafka, Kafka ProducerPerformance, feed → plain reader')
    result.limits = await measureLimits({ bootstrap, feed, partitions: o.partitions, runId, markets: o['markets-limit'] })
    for (const l of result.limits) console.log(`  ${l.name}: ${l.messagesPerSec.toFixed(0)} msg/s (${l.note})`)
  }
  const best = o.contenders.flatMap((c) => {
    const mine = steps.filter((s) => s.contender === c)
    const pick = mine.filter((s) => s.sustained).at(-1) ?? mine[0]
    return pick ? [pick.report] : []
  })
  return { result, rounds: best.length > 0 ? [best] : [], failures }
}
