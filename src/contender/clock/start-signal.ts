/**
 * @module clock/start-signal
 * Waiting for the window: the `START <epochMs>` line on stdin (START_MODE=stdin), and sleeping
 * until a wall-clock instant without spinning (timers in bounded slices, then a spin of at most
 * the last 10 ms, yielding to I/O, for precision).
 */
import { STDIN } from '../../contract/rules.ts'
import { parseStartLine } from './boundary.ts'

/** setTimeout fires at once past 2^31 − 1 ms; sleep in slices well below it */
const MAX_SLICE_MS = 60_000
/** timers fire a few ms late: the last stretch is spun with setImmediate, which still serves I/O */
const SPIN_MS = 10

/**
 * The time on the first `START <epochMs>` line of stdin; other lines are reported and skipped.
 * Undefined when stdin closes first, when a line runs past STDIN.maxLineBytes (a line with no
 * newline that never ends must not fill memory) or after STDIN.maxIgnoredLines other lines (a
 * flood must not fill the log): the run then ends `failed` with `bad-start`, as on Go and Python.
 */
export async function readStartLine(
  input: AsyncIterable<Buffer | string> = process.stdin,
): Promise<number | undefined> {
  let pending = Buffer.alloc(0)
  let ignored = 0
  for await (const chunk of input) {
    pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk])
    for (let newline = pending.indexOf(10); newline >= 0; newline = pending.indexOf(10)) {
      const line = pending.subarray(0, newline).toString('utf8').replace(/\r$/, '')
      pending = pending.subarray(newline + 1)
      if (newline > STDIN.maxLineBytes) return refuse(`a stdin line is longer than ${STDIN.maxLineBytes} bytes`)
      const start = parseStartLine(line)
      if (start !== undefined) return start
      if (++ignored > STDIN.maxIgnoredLines)
        return refuse(`more than ${STDIN.maxIgnoredLines} stdin lines that are not "START <epochMs>"`)
      console.error(`ignoring stdin line ${JSON.stringify(line)}: expected "START <epochMs>"`)
    }
    if (pending.length > STDIN.maxLineBytes) return refuse(`a stdin line is longer than ${STDIN.maxLineBytes} bytes`)
  }
  // the last line may end without a newline, as Go's and Python's readers take it
  const start = pending.length > 0 ? parseStartLine(pending.toString('utf8').replace(/\r$/, '')) : undefined
  if (start !== undefined) return start
  return refuse('stdin closed before a START line arrived')
}

function refuse(reason: string): undefined {
  console.error(reason)
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
