/**
 * @module report/status
 * The run's verdict, exactly as src/contract/rules.ts states it: `failed` or `degraded` with
 * every reason that holds, in the contract's order, else `complete`; `interrupted` wins over
 * both and keeps its reasons. The exit code follows from the status (rules.ts EXIT).
 */
import type { Status, StatusReason } from '../../contract/report.ts'
import { EXIT, STATUS } from '../../contract/rules.ts'

export interface WindowFacts {
  /** data frames received in the window, invalid ones included */
  received: number
  invalid: number
  delivered: number
  /** failed deliveries and produce errors of the window */
  failed: number
  /** window messages produced whose delivery report was not served by the end of the flush */
  inFlight: number
  /** the warm-up's own books (it has no invalid or in-flight count) */
  warmup: { received: number; produced: number; delivered: number; failed: number }
  targetMs: number
  measuredMs: number
  longestAllDownMs: number
  plannedConnections: number
  givenUp: number
  /** the START line that was refused: then there was no window to judge */
  badStartMs?: number
  interrupted?: 'SIGINT' | 'SIGTERM'
}

export interface Verdict {
  status: Status
  reasons: StatusReason[]
  exitCode: number
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** Each reason that holds, in STATUS_CODES order, marked with the status it calls for. */
function reasonsFor(f: WindowFacts): Array<StatusReason & { fails: boolean }> {
  if (f.badStartMs !== undefined) {
    return [
      {
        code: 'bad-start',
        fails: true,
        message: `START ${f.badStartMs} is outside [now − 60 s, now + 1 h]; no window was measured`,
      },
    ]
  }
  const out: Array<StatusReason & { fails: boolean }> = []
  const valid = f.received - f.invalid
  const lost = Math.max(valid - f.delivered, 0)
  const allDownLimitMs = Math.min(STATUS.failAllDownMs, STATUS.failAllDownWindowFraction * f.targetMs)
  if (f.received === 0) out.push({ code: 'no-messages', fails: true, message: '0 frames received in the window' })
  if (f.delivered === 0)
    out.push({ code: 'none-delivered', fails: true, message: `0 of ${valid} valid frames delivered` })
  if (lost > 0) {
    const fails = lost > STATUS.failUndeliveredFraction * valid
    out.push({
      code: 'undelivered',
      fails,
      message: `${lost} of ${valid} valid frames (${pct(lost / valid)}) not delivered by the end of the flush`,
    })
  }
  if (f.longestAllDownMs >= allDownLimitMs) {
    out.push({
      code: 'all-connections-down',
      fails: true,
      message: `no connection open for ${seconds(f.longestAllDownMs)} in one stretch (limit ${seconds(allDownLimitMs)})`,
    })
  }
  const books = unbalanced(f)
  if (books) out.push({ code: 'unbalanced', fails: true, message: books })
  if (f.givenUp > 0)
    out.push({
      code: 'connections-given-up',
      fails: false,
      message: `${f.givenUp} of ${f.plannedConnections} connections used up their retries`,
    })
  const offMs = f.measuredMs - f.targetMs
  if (Math.abs(offMs) > STATUS.degradeAccuracyMs) {
    out.push({
      code: 'short-window',
      fails: false,
      message: `window measured ${seconds(f.measuredMs)} for a target of ${seconds(f.targetMs)} (${offMs > 0 ? '+' : ''}${Math.round(offMs)} ms)`,
    })
  }
  return out
}

/** Why the report's counts contradict each other (rules.ts `unbalanced`), or undefined. */
function unbalanced(f: WindowFacts): string | undefined {
  const valid = f.received - f.invalid
  const accounted = f.delivered + f.failed + f.inFlight
  if (accounted !== valid)
    return `window: delivered ${f.delivered} + failed ${f.failed} + in flight ${f.inFlight} = ${accounted}, not the ${valid} valid frames (received ${f.received} − invalid ${f.invalid})`
  const w = f.warmup
  if (w.delivered + w.failed > w.received)
    return `warm-up: delivered ${w.delivered} + failed ${w.failed} exceeds the ${w.received} frames received`
  if (w.delivered > w.produced) return `warm-up: delivered ${w.delivered} exceeds the ${w.produced} produced`
  return undefined
}

export function judge(f: WindowFacts): Verdict {
  const found = reasonsFor(f)
  const reasons = found.map(({ code, message }) => ({ code, message }))
  if (f.interrupted) return { status: 'interrupted', reasons, exitCode: EXIT[f.interrupted] }
  if (found.some((r) => r.fails)) return { status: 'failed', reasons, exitCode: EXIT.failed }
  if (found.length > 0) return { status: 'degraded', reasons, exitCode: EXIT.degraded }
  return { status: 'complete', reasons, exitCode: EXIT.complete }
}
