/**
 * @module clock/start-signal
 * Waiting for the window: the `START <epochMs>` line on stdin (START_MODE=stdin), and sleeping
 * until a wall-clock instant without spinning (timers in bounded slices, then a spin of at most
 * the last 10 ms, yielding to I/O, for precision).
 */
import { createInterface } from 'node:readline'
import { parseStartLine } from './boundary.ts'

/** setTimeout fires at once past 2^31 − 1 ms; sleep in slices well below it */
const MAX_SLICE_MS = 60_000
/** timers fire a few ms late: the last stretch is spun with setImmediate, which still serves I/O */
const SPIN_MS = 10

/**
 * The time on the first `START <epochMs>` line of stdin; other lines are reported and skipped.
 * Undefined when stdin closes first: the run then ends `failed` with `bad-start`, as on Go.
 */
export async function readStartLine(): Promise<number | undefined> {
  const lines = createInterface({ input: process.stdin })
  try {
    for await (const line of lines) {
      const start = parseStartLine(line)
      if (start !== undefined) return start
      console.error(`ignoring stdin line ${JSON.stringify(line)}: expected "START <epochMs>"`)
    }
  } finally {
    lines.close()
  }
  console.error('stdin closed before a START line arrived')
  return undefined
}

/** Resolves at wall-clock `atMs`, or early when `cancelled` resolves. */
export async function sleepUntil(atMs: number, cancelled?: Promise<unknown>): Promise<void> {
  let stop = false
  cancelled?.then(() => (stop = true))
  for (let wait = atMs - Date.now(); wait > SPIN_MS && !stop; wait = atMs - Date.now()) {
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, Math.min(wait - SPIN_MS, MAX_SLICE_MS))),
      cancelled,
    ])
  }
  while (!stop && Date.now() < atMs) await new Promise((resolve) => setImmediate(resolve))
}
