/**
 * @module clock/start-signal
 * When the window opens: the next 10-second boundary (`auto`), or the time the bench writes on
 * stdin as `START <epochMs>` (`stdin`, documented in docs/contenders.md).
 */
import { createInterface } from 'node:readline'
import { nextBoundary, parseStartLine } from './boundary.ts'

export async function startTime(mode: 'auto' | 'stdin'): Promise<number> {
  if (mode === 'auto') return nextBoundary(Date.now())
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
  throw new Error('stdin closed before a START line arrived')
}

/** Resolves at wall-clock `atMs` (a timer, then a short spin for the last ms). */
export async function sleepUntil(atMs: number): Promise<void> {
  const wait = atMs - Date.now()
  if (wait > 2) await new Promise((resolve) => setTimeout(resolve, wait - 2))
  while (Date.now() < atMs) await new Promise((resolve) => setImmediate(resolve))
}
