/**
 * @module bench/round
 * One round of the race: start the contenders (together, or one alone in isolated mode); wait
 * until every one reports ready; send all of them the same start time (a 10-second boundary at
 * least the warm-up after the last one was ready); wait for their reports.
 *
 * Under a per-IP connection limit (Upbit: 5 connection requests per second), the contenders are
 * started in groups that connect one after another, and inside a group each contender gets its
 * own one-second slot of the connection interval (CONNECT_PHASE_MS): with the seed's plan (2
 * connections, then 2 s) a group of two opens at most 2 connections in any slot, so any rolling
 * second holds at most two slots' worth, 4 requests, whatever the network jitter. Each contender
 * still follows the seed's plan; only the race's schedule around them changes.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Report, reportPath, type Contender } from '../contract/report.ts'
import { TIMING } from '../contract/rules.ts'
import { RunningContender, type ContenderEvent } from './spawn.ts'

export interface RoundOptions {
  contenders: Contender[]
  /** env every contender gets (broker, feed URLs, duration, plan) */
  env: Record<string, string>
  topicFor: (contender: Contender) => string
  dir: string
  readyTimeoutMs: number
  /** WARMUP_SECONDS: produced before the window, never counted */
  warmupS: number
  /** CONNECT_INTERVAL_MS of the plan; the contenders' phases split it */
  connectIntervalMs: number
  /** the peer's connection requests per second per IP (Upbit: 5); absent: no limit to respect */
  connectionsPerSecLimit?: number
  onEvent?: (contender: Contender, event: ContenderEvent) => void
  onSpawn?: (running: RunningContender) => void
  /** prefix of every contender's command (CPU pinning) */
  commandPrefix?: string[]
  /** when the window opens, given the last ready time (default: raceStart) */
  startAt?: (lastReadyMs: number, nowMs: number) => number
}

export interface RoundResult {
  contender: Contender
  exitCode: number
  report?: Report
  error?: string
  logFile: string
}

/** The first start boundary (the contract's TIMING.startBoundaryMs) strictly after `nowMs`. */
export function nextBoundary(nowMs: number, boundaryMs: number = TIMING.startBoundaryMs): number {
  return (Math.floor(nowMs / boundaryMs) + 1) * boundaryMs
}

/**
 * The window start: the first 10-second boundary at least `warmupMs` after the last contender was
 * ready and at least `marginMs` from now, so the START line reaches everyone before it.
 */
export function raceStart(lastReadyMs: number, nowMs: number, warmupMs: number, marginMs = 2000): number {
  return nextBoundary(Math.max(lastReadyMs + warmupMs, nowMs + marginMs) - 1)
}

/**
 * CONNECT_PHASE_MS of each contender: batches of the n contenders interleave over one interval
 * (bun at 0, node at interval/n, ...), so no two contenders open connections in the same instant.
 */
export function connectPhases(contenders: Contender[], intervalMs: number): Map<Contender, number> {
  return new Map(contenders.map((c, i) => [c, Math.floor((i * intervalMs) / contenders.length)]))
}

export interface ConnectGroup {
  contenders: Contender[]
  phases: Map<Contender, number>
}

/**
 * The race's connection schedule. Without a limit: one group, phases spread over the interval.
 * With one: groups of as many contenders as the interval has one-second slots (2 for the seed's
 * 2 s), each contender on its own slot, provided a slot's batch fits half the limit; groups
 * connect one after another.
 */
export function connectSchedule(
  contenders: Contender[],
  intervalMs: number,
  batch: number,
  limitPerSec?: number,
): ConnectGroup[] {
  if (limitPerSec === undefined) return [{ contenders, phases: connectPhases(contenders, intervalMs) }]
  const slots = batch * 2 <= limitPerSec ? Math.max(1, Math.floor(intervalMs / 1000)) : 1
  const groups: ConnectGroup[] = []
  for (let i = 0; i < contenders.length; i += slots) {
    const members = contenders.slice(i, i + slots)
    groups.push({ contenders: members, phases: new Map(members.map((c, k) => [c, k * 1000])) })
  }
  return groups
}

function spawn(o: RoundOptions, contender: Contender, phaseMs: number): RunningContender {
  const proc = new RunningContender(
    contender,
    {
      ...o.env,
      START_MODE: 'stdin',
      WARMUP_SECONDS: String(o.warmupS),
      CONNECT_PHASE_MS: String(phaseMs),
      KAFKA_TOPIC: o.topicFor(contender),
      REPORT_DIR: o.dir,
    },
    join(o.dir, `${contender}.log`),
    o.commandPrefix,
  )
  if (o.onEvent) proc.on((event) => o.onEvent!(contender, event))
  o.onSpawn?.(proc)
  return proc
}

export async function runRound(o: RoundOptions): Promise<RoundResult[]> {
  const batch = Number(o.env.CONNECT_BATCH ?? 2)
  const failures = new Map<Contender, string>()
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`not ready within ${o.readyTimeoutMs} ms`)), o.readyTimeoutMs).unref(),
  )
  const running: RunningContender[] = []
  let lastReadyMs = 0
  // group by group: the next group starts connecting once the previous one is ready
  for (const group of connectSchedule(o.contenders, o.connectIntervalMs, batch, o.connectionsPerSecLimit)) {
    const procs = group.contenders.map((c) => spawn(o, c, group.phases.get(c)!))
    running.push(...procs)
    await Promise.all(
      procs.map((proc) =>
        Promise.race([proc.waitFor('ready'), deadline]).then(
          (ready) => (lastReadyMs = Math.max(lastReadyMs, ready.atMs)),
          (error: Error) => {
            failures.set(proc.contender, error.message)
            proc.signal('SIGKILL')
          },
        ),
      ),
    )
  }
  const start = o.startAt ? o.startAt(lastReadyMs, Date.now()) : raceStart(lastReadyMs, Date.now(), o.warmupS * 1000)
  for (const proc of running) if (!failures.has(proc.contender)) proc.start(start)

  return Promise.all(running.map((proc) => collect(proc, o.dir, failures.get(proc.contender))))
}

async function collect(proc: RunningContender, dir: string, failure: string | undefined): Promise<RoundResult> {
  const exitCode = await proc.exited
  const logFile = join(dir, `${proc.contender}.log`)
  const path = reportPath(dir, proc.contender)
  if (failure) return { contender: proc.contender, exitCode, error: failure, logFile }
  if (!existsSync(path)) {
    return {
      contender: proc.contender,
      exitCode,
      error: `exit ${exitCode}, no report:\n  ${proc.tail.slice(-10).join('\n  ')}`,
      logFile,
    }
  }
  const parsed = Report.safeParse(JSON.parse(readFileSync(path, 'utf8')))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return {
      contender: proc.contender,
      exitCode,
      error: `report invalid at ${issue.path.join('.')}: ${issue.message}`,
      logFile,
    }
  }
  return { contender: proc.contender, exitCode, report: parsed.data, logFile }
}
