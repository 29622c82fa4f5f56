/**
 * @module clock/boundary
 * The measuring window starts on a 10-second wall-clock boundary, so contenders started
 * separately (or by the bench) line up on the same instants and their interval series align.
 */

export const BOUNDARY_MS = 10_000

/** The first multiple of `boundaryMs` strictly after `nowMs`. */
export function nextBoundary(nowMs: number, boundaryMs = BOUNDARY_MS): number {
  return (Math.floor(nowMs / boundaryMs) + 1) * boundaryMs
}

/** Parses the bench's `START <epochMs>` line; undefined when the line is something else. */
export function parseStartLine(line: string): number | undefined {
  const match = /^START (\d{10,16})\s*$/.exec(line)
  return match ? Number(match[1]) : undefined
}
