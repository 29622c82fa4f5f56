/**
 * @module ceilings/frames
 * The frames the limit tools produce: the feed's own ticker frames (src/feed/generator.ts), so
 * message sizes and keys match what the contenders send. Deterministic for a given count and seed.
 * The bench passes frames recorded from the running feed instead: every writer takes {code, frame}.
 *
 * Two file formats:
 *  - frames file (src/ceilings/limit-producer/ `--frames`): one record per line, `CODE \t FRAME \n`.
 *    The code has no tab or newline; the frame has no newline (compact JSON never does; JSON
 *    escapes control characters inside strings).
 *  - payload file (ProducerPerformance `--payload-file`): one frame per line, `FRAME \n`, read
 *    with the default `--payload-delimiter \n`. ProducerPerformance sends no key.
 *
 * CLI: `bun src/ceilings/frames.ts --count N --out FRAMES [--payload PAYLOAD] [--seed S]`
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { Generator } from '../feed/generator.ts'
import { bundledMarkets } from '../feed/markets.ts'
import type { Profile } from '../feed/profile.ts'
import { writeFileAtomic } from '../atomic-write.ts'

export interface FrameRecord {
  /** market code, the message key (e.g. KRW-BTC) */
  code: string
  /** the frame JSON text, the message value */
  frame: string
}

export interface FramesFileInfo {
  path: string
  count: number
  /** value bytes over all frames */
  valueBytes: number
  avgValueBytes: number
}

/**
 * `count` ticker frames from the feed's own generator (the same seeded random walk, activity
 * profile and byte layout the contenders receive), in the order the feed would send them.
 */
export function tickerFrames(count: number, options: { seed?: number; profile?: Profile } = {}): FrameRecord[] {
  const generator = new Generator(bundledMarkets(), options.seed ?? 42, options.profile ?? 'live')
  const out: FrameRecord[] = []
  // ~1 frame per ms from a fixed instant, so the output does not depend on the clock
  const startMs = Date.UTC(2025, 6, 27, 9)
  for (let i = 0; i < count; i++) {
    const index = generator.step(startMs + i)
    out.push({ code: generator.codes[index]!, frame: generator.render(index, 0, 0, startMs + i, 'REALTIME') })
  }
  return out
}

function check(frames: FrameRecord[]): void {
  if (frames.length === 0) throw new Error('no frames to write')
  for (const [i, f] of frames.entries()) {
    if (!f.code || /[\t\n]/.test(f.code))
      throw new Error(`frame ${i}: code ${JSON.stringify(f.code)} is empty or holds a tab/newline`)
    if (f.frame.includes('\n')) throw new Error(`frame ${i} (${f.code}) holds a newline: not a compact JSON frame`)
  }
}

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, text)
}

function info(path: string, frames: FrameRecord[]): FramesFileInfo {
  const valueBytes = frames.reduce((sum, f) => sum + Buffer.byteLength(f.frame), 0)
  return { path, count: frames.length, valueBytes, avgValueBytes: valueBytes / frames.length }
}

/** Writes the limit producer's frames file (`CODE\tFRAME\n` per record). */
export function writeFramesFile(path: string, frames: FrameRecord[]): FramesFileInfo {
  check(frames)
  write(path, frames.map((f) => `${f.code}\t${f.frame}\n`).join(''))
  return info(path, frames)
}

/** Writes a ProducerPerformance payload file (`FRAME\n` per record, no keys). */
export function writePayloadFile(path: string, frames: FrameRecord[]): FramesFileInfo {
  check(frames)
  write(path, frames.map((f) => `${f.frame}\n`).join(''))
  return info(path, frames)
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      out: { type: 'string' },
      payload: { type: 'string' },
      seed: { type: 'string' },
    },
  })
  const count = Number(values.count ?? 10_000)
  if (!Number.isInteger(count) || count < 1 || !values.out) {
    console.error('usage: bun src/ceilings/frames.ts --count N --out FRAMES [--payload PAYLOAD] [--seed S]')
    process.exit(2)
  }
  const frames = tickerFrames(count, { seed: values.seed === undefined ? undefined : Number(values.seed) })
  console.log(JSON.stringify(writeFramesFile(values.out, frames)))
  if (values.payload) console.log(JSON.stringify(writePayloadFile(values.payload, frames)))
}
