/**
 * @module feed/replay
 * Plays a recording (JSONL of `{t, code, frame}`, t = ms since the recording started) back on the
 * recorded timeline scaled by a speed factor, looping so a run longer than the recording still has
 * load. Each loop keeps the recording's gaps, so its intended send times stay open-loop.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { Source } from './schedule.ts'

export const Recorded = z.object({ t: z.number().nonnegative(), code: z.string().min(1), frame: z.string().min(2) })
export type Recorded = z.infer<typeof Recorded>

export function loadRecording(path: string): Recorded[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new Error(`replay file ${path} cannot be read: ${(error as Error).message}`)
  }
  const out: Recorded[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      throw new Error(`replay file ${path} line ${i + 1}: not JSON`)
    }
    const parsed = Recorded.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new Error(`replay file ${path} line ${i + 1}: ${issue.path.join('.') || 'entry'}: ${issue.message}`)
    }
    out.push(parsed.data)
  }
  if (out.length === 0) throw new Error(`replay file ${path} holds no frames`)
  out.sort((a, b) => a.t - b.t)
  return out
}

export class ReplaySource implements Source {
  private index = 0
  private loopStart: number
  /** One loop's length: the recording's span plus its mean gap, so the loop seam looks like any other gap. */
  private readonly span: number

  constructor(
    private readonly entries: Recorded[],
    private readonly speed: number,
    private readonly emitOne: (entry: Recorded, intended: number) => void,
  ) {
    const first = entries[0]!.t
    const last = entries.at(-1)!.t
    this.span = last - first + Math.max(1, (last - first) / entries.length)
    this.loopStart = performance.now() - first / speed
  }

  next(): number {
    return this.loopStart + this.entries[this.index]!.t / this.speed
  }

  emit(intended: number): void {
    const entry = this.entries[this.index]!
    this.advance()
    this.emitOne(entry, intended)
  }

  skip(): void {
    this.advance()
  }

  private advance(): void {
    if (++this.index < this.entries.length) return
    this.index = 0
    this.loopStart += this.span / this.speed
  }
}
