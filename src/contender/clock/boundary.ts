/**
 * @module clock/boundary
 * The measuring window starts on a 10-second wall-clock boundary, so contenders started
 * separately (or by the bench) line up on the same instants and their interval series align.
 */
import { START_HORIZON, TIMING } from '../../contract/rules.ts'

export const BOUNDARY_MS = TIMING.startBoundaryMs

/** START_MODE=auto: the first boundary at least WARMUP_SECONDS after ready. */
export function autoStart(readyAtMs: number, warmupS: number): number {
  return Math.ceil((readyAtMs + warmupS * 1000) / BOUNDARY_MS) * BOUNDARY_MS
}

/** Parses the bench's `START <epochMs>` line; undefined when the line is something else. */
export function parseStartLine(line: string): number | undefined {
  const match = /^START (\d{1,16})\s*$/.exec(line)
  return match ? Number(match[1]) : undefined
}

/** Whether a START time is within [now − 60 s, now + 1 h] (rules.ts START_HORIZON). */
export function withinHorizon(startMs: number, nowMs: number): boolean {
  return startMs >= nowMs - START_HORIZON.pastMs && startMs <= nowMs + START_HORIZON.futureMs
}
