/**
 * @module bench/race
 * One round of the race: start the contenders (together, or one alone in isolated mode), wait
 * until every one reports ready, send all of them the same start time (the next 10-second
 * boundary, at least 2 s away so the line reaches everyone before it), wait for their reports.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nextBoundary } from '../contender/clock/boundary.ts'
import { Report, reportPath, type Contender } from '../contract/report.ts'
import { RunningContender, type ContenderEvent } from './spawn.ts'

export interface RoundOptions {
  contenders: Contender[]
  /** env every contender gets (broker, feed URLs, duration, plan) */
  env: Record<string, string>
  topicFor: (contender: Contender) => string
  dir: string
  readyTimeoutMs: number
  onEvent?: (contender: Contender, event: ContenderEvent) => void
  onSpawn?: (running: RunningContender) => void
  /** when the window opens, given the moment all are ready (default: the next 10 s boundary) */
  startAt?: (nowMs: number) => number
}

export interface RoundResult {
  contender: Contender
  exitCode: number
  report?: Report
  error?: string
  logFile: string
}

/** Start time for a race: a 10-second boundary with at least `marginMs` to spare. */
export function raceStart(nowMs: number, marginMs = 2000): number {
  return nextBoundary(nowMs + marginMs)
}

export async function runRound(o: RoundOptions): Promise<RoundResult[]> {
  const running = o.contenders.map((contender) => {
    const proc = new RunningContender(
      contender,
      { ...o.env, START_MODE: 'stdin', KAFKA_TOPIC: o.topicFor(contender), REPORT_DIR: o.dir },
      join(o.dir, `${contender}.log`),
    )
    if (o.onEvent) proc.on((event) => o.onEvent!(contender, event))
    o.onSpawn?.(proc)
    return proc
  })
  const failures = new Map<Contender, string>()
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`not ready within ${o.readyTimeoutMs} ms`)), o.readyTimeoutMs).unref(),
  )
  await Promise.all(
    running.map((proc) =>
      Promise.race([proc.waitFor('ready'), deadline]).catch((error: Error) => {
        failures.set(proc.contender, error.message)
        proc.signal('SIGKILL')
      }),
    ),
  )
  const start = (o.startAt ?? raceStart)(Date.now())
  for (const proc of running) if (!failures.has(proc.contender)) proc.start(start)

  return Promise.all(
    running.map(async (proc): Promise<RoundResult> => {
      const exitCode = await proc.exited
      const logFile = join(o.dir, `${proc.contender}.log`)
      const path = reportPath(o.dir, proc.contender)
      if (failures.has(proc.contender)) return { contender: proc.contender, exitCode, error: failures.get(proc.contender), logFile }
      if (!existsSync(path)) {
        return { contender: proc.contender, exitCode, error: `exit ${exitCode}, no report:\n  ${proc.tail.slice(-10).join('\n  ')}`, logFile }
      }
      const parsed = Report.safeParse(JSON.parse(readFileSync(path, 'utf8')))
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        return { contender: proc.contender, exitCode, error: `report invalid at ${issue.path.join('.')}: ${issue.message}`, logFile }
      }
      return { contender: proc.contender, exitCode, report: parsed.data, logFile }
    }),
  )
}
