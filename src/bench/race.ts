/**
 * @module bench/race
 * The race over rounds: per round, one group (concurrent: every contender at once) or one group
 * per contender (isolated: one at a time); the order rotates by round in both modes (concurrent:
 * the order they are started and open their connections in, which decides who waits longest for
 * the window and who connects while the others' handshakes load the machine); every group gets fresh
 * topics, its feed counts reset at the window, and each contender's topic audited against its
 * report. A contender whose report is not `complete`, that delivered nothing, or whose audit
 * differs makes the race fail.
 */
import { join } from 'node:path'
import type { Contender, Report } from '../contract/report.ts'
import type { Feed, FeedStats } from '../feed/server.ts'
import { createTopic } from '../librdkafka/admin.ts'
import { auditTopic, type AuditResult } from './audit.ts'
import { kafkaJvmPids, startCpuSample } from './cpu-sample.ts'
import { startMachineSample } from './machine-cpu.ts'
import { LiveView } from './live-view.ts'
import { runRound, type RoundResult } from './round.ts'
import type { RunningContender } from './spawn.ts'

export interface RaceOptions {
  contenders: Contender[]
  mode: 'concurrent' | 'isolated'
  rounds: number
  durationS: number
  warmupS: number
  connectIntervalMs: number
  /** the feed's connection requests per second per IP (Upbit's 5), if it enforces one */
  connectionsPerSecLimit?: number
  partitions: number
  replicationFactor: number
  /** min.insync.replicas of every topic (2 on a 3-node cluster) */
  minIsr: number
  reuseTopic: boolean
  readyTimeoutMs: number
  /** env every contender gets besides what the round sets */
  env: Record<string, string>
  bootstrap: string
  feed?: Feed
  runId: string
  /** reports/runs/<id> */
  runDir: string
  onSpawn?: (proc: RunningContender) => void
}

export interface RaceOutcome {
  rounds: Report[][]
  /** the feed's stats over each group's window (reset at its start, read before the audit) */
  feedWindows: FeedStats[]
  results: RoundResult[]
  audits: AuditResult[]
  failures: string[]
  /** CPU of every Kafka JVM per group, from the window's start to the reports, in cores */
  brokerCores: number[]
  /** share of all the machine's cores busy over each round's window (every process, not only the rig's) */
  machineBusy: number[]
  /** per round, the order the contenders were started in (isolated: run in) */
  order: Contender[][]
}

/**
 * rounds → groups run one after another → contenders in a group run together. Round r starts
 * with the r-th contender, so over as many rounds as contenders each starts first once and no
 * contender's figures carry the same position's advantage every round.
 */
export function groupsOf(contenders: Contender[], mode: RaceOptions['mode'], rounds: number): Contender[][][] {
  return Array.from({ length: rounds }, (_, round) => {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!)
    return mode === 'concurrent' ? [order] : order.map((c) => [c])
  })
}

/** Why a contender's result fails the race (empty: it met the contract). */
export function resultProblems(result: RoundResult): string[] {
  const r = result.report
  if (!r) return [result.error ?? `exit ${result.exitCode}, no report`]
  const problems: string[] = []
  if (r.status !== 'complete') {
    problems.push(
      `status ${r.status}${r.statusReasons.length > 0 ? `: ${r.statusReasons.map((x) => x.message).join('; ')}` : ''}`,
    )
  }
  if (r.messages.delivered === 0 && !r.statusReasons.some((x) => x.code === 'none-delivered'))
    problems.push('delivered nothing')
  if (r.status === 'complete' && result.exitCode !== 0) problems.push(`status complete but exit ${result.exitCode}`)
  return problems
}

export async function runRace(o: RaceOptions): Promise<RaceOutcome> {
  const plan = groupsOf(o.contenders, o.mode, o.rounds)
  const outcome: RaceOutcome = {
    rounds: [],
    feedWindows: [],
    results: [],
    audits: [],
    failures: [],
    brokerCores: [],
    machineBusy: [],
    order: plan.map((groups) => groups.flat()),
  }
  for (const [r, groups] of plan.entries()) {
    const roundReports: Report[] = []
    for (const group of groups) {
      const topicFor = (c: Contender) => `upbit-bench-${o.runId}-r${r + 1}-${c}`
      for (const c of group) {
        // exclusive: an existing topic means another run shares this broker and name
        await createTopic(o.bootstrap, topicFor(c), o.partitions, {
          replicationFactor: o.replicationFactor,
          minIsr: o.minIsr,
          reuse: o.reuseTopic,
        })
      }
      console.log(
        `\nround ${r + 1}/${o.rounds}: ${group.join(', ')} (${o.mode}, ${o.warmupS} s warm-up, ${o.durationS} s window)`,
      )
      const view = new LiveView(group, o.durationS)
      let windowOpened = false
      let brokerCpu: { stop(): number } | undefined
      let machine: ReturnType<typeof startMachineSample> | undefined
      const results = await runRound({
        contenders: group,
        env: { ...o.env, TEST_DURATION: String(o.durationS) },
        topicFor,
        dir: join(o.runDir, `round-${r + 1}`),
        readyTimeoutMs: o.readyTimeoutMs,
        warmupS: o.warmupS,
        connectIntervalMs: o.connectIntervalMs,
        connectionsPerSecLimit: o.connectionsPerSecLimit,
        onEvent: (c, e) => {
          // the feed's lag and counts are judged over the window only, not the ramp or warm-up
          if (e.event === 'start' && !windowOpened) {
            windowOpened = true
            o.feed?.resetCounts()
            brokerCpu = startCpuSample(kafkaJvmPids())
            machine = startMachineSample()
          }
          view.event(c, e)
        },
        onSpawn: o.onSpawn,
      })
      if (o.feed) outcome.feedWindows.push(o.feed.stats())
      if (brokerCpu) outcome.brokerCores.push(brokerCpu.stop())
      const busy = machine?.stop()
      if (busy !== undefined) outcome.machineBusy.push(busy)
      for (const result of results) {
        outcome.results.push(result)
        const label = `${result.contender} (round ${r + 1})`
        for (const problem of resultProblems(result)) outcome.failures.push(`${label}: ${problem}`)
        const topic = topicFor(result.contender)
        view.phase(result.contender, result.report ? 'auditing' : 'failed')
        const audit = await auditTopic({
          bootstrap: o.bootstrap,
          topic,
          contender: result.contender,
          report: result.report,
          wasSent: o.feed ? (v) => o.feed!.wasSent(v) : undefined,
        })
        if (audit && !audit.ok) outcome.failures.push(`audit ${label} (${topic}): ${audit.problems.join('; ')}`)
        // an unreported topic fails the race above; the comparison's audit table lists reported ones
        if (!result.report) continue
        roundReports.push(result.report)
        if (audit) outcome.audits.push(audit)
        view.phase(result.contender, 'done')
      }
      view.stop()
    }
    outcome.rounds.push(roundReports)
  }
  return outcome
}
