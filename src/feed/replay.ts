/**
 * @module feed/replay
 * Plays a recording back on the recorded timeline scaled by a speed factor, looping so a run longer
 * than the recording still has load. Each loop keeps the recording's gaps, so its intended send
 * times stay open-loop.
 *
 * A recording is JSONL: an optional first line `{"markets":[…]}` (the market list the exchange
 * served when it was recorded, as `GET /v1/market/all` answers it), then one `{t, code, frame}`
 * per frame (t = ms since the recording started, frame = the frame's text as received, DEFAULT
 * format, ticker or trade). It is read whole, with a bound on its size, and refused naming the
 * file, the line and the field when anything in it is malformed.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { z } from 'zod'
import { Market } from './markets.ts'
import type { Source } from './schedule.ts'

export const Recorded = z.object({ t: z.number().nonnegative(), code: z.string().min(1), frame: z.string().min(2) })
export type Recorded = z.infer<typeof Recorded>

const Header = z.object({ markets: z.array(Market).min(1) }).strict()

/** A recording's frames go out to DEFAULT receivers of the frame's own type. */
export type RecordedChannel = 'ticker' | 'trade'

export interface Recording {
  path: string
  /** the market list recorded with the frames; absent when the file holds none */
  markets?: Market[]
  /** sorted by t */
  frames: Recorded[]
  /** the channels the frames belong to */
  channels: Set<RecordedChannel>
  /** first to last frame, ms */
  spanMs: number
}

/**
 * The largest recording read (whole, into memory, with a hash of each frame sent): about ten
 * minutes of every Upbit market's ticker stream at its busiest, far above the bench's windows.
 */
export const RECORDING_MAX_BYTES = 256 * 1024 * 1024

export class RecordingError extends Error {
  override name = 'RecordingError'
}

/**
 * A regular file only (a FIFO's open would wait for a writer, a device might never end), read
 * without blocking up to one byte past the bound.
 */
function readBounded(path: string, maxBytes: number): string {
  const refuse = (reason: string) => new RecordingError(`replay file ${path} ${reason}`)
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw refuse(code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`)
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw refuse('must be a regular file')
    if (stat.size > maxBytes) throw refuse(`is larger than ${maxBytes} bytes (${stat.size})`)
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1)
    let length = 0
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null)
    // it grew while being read
    if (length > maxBytes || length > stat.size) throw refuse(`is larger than ${maxBytes} bytes`)
    return buffer.subarray(0, length).toString('utf8')
  } catch (error) {
    throw error instanceof RecordingError
      ? error
      : refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  } finally {
    closeSync(fd)
  }
}

/** What a frame must be for every contender to read it as a data frame of its entry's market. */
function frameProblem(entry: Recorded): string | undefined {
  let frame: unknown
  try {
    frame = JSON.parse(entry.frame)
  } catch {
    return 'frame: not JSON'
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return 'frame: not a JSON object'
  const { type, code } = frame as { type?: unknown; code?: unknown }
  if (type !== 'ticker' && type !== 'trade')
    return `frame: "type" ${JSON.stringify(type)} cannot be replayed (ticker or trade, DEFAULT format)`
  if (code !== entry.code)
    return `frame: "code" ${JSON.stringify(code)} is not the entry's code ${JSON.stringify(entry.code)}`
  return undefined
}

export function loadRecording(path: string, maxBytes = RECORDING_MAX_BYTES): Recording {
  const text = readBounded(path, maxBytes)
  const frames: Recorded[] = []
  let markets: Market[] | undefined
  const channels = new Set<RecordedChannel>()
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const at = `replay file ${path} line ${i + 1}`
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      throw new RecordingError(`${at}: not JSON`)
    }
    if (typeof json === 'object' && json !== null && 'markets' in json) {
      if (frames.length > 0 || markets) throw new RecordingError(`${at}: the market list must be the first line`)
      const header = Header.safeParse(json)
      if (!header.success) {
        const issue = header.error.issues[0]!
        throw new RecordingError(`${at}: ${issue.path.join('.') || 'markets'}: ${issue.message}`)
      }
      markets = header.data.markets
      continue
    }
    const parsed = Recorded.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new RecordingError(`${at}: ${issue.path.join('.') || 'entry'}: ${issue.message}`)
    }
    const problem = frameProblem(parsed.data)
    if (problem) throw new RecordingError(`${at}: ${problem}`)
    channels.add(parsed.data.frame.includes('"type":"trade"') ? 'trade' : 'ticker')
    frames.push(parsed.data)
  }
  if (frames.length === 0) throw new RecordingError(`replay file ${path} holds no frames`)
  frames.sort((a, b) => a.t - b.t)
  return { path, markets, frames, channels, spanMs: frames.at(-1)!.t - frames[0]!.t }
}

/**
 * The market list a replay serves: the one recorded with the frames (what the exchange listed,
 * quiet markets included, so every contender subscribes as it did live), else the fallback (the
 * bundled snapshot); either way with any market a frame names that the list lacks (listed after,
 * or delisted before, the list was taken), so no recorded frame goes unsubscribed.
 */
export function replayMarkets(recording: Recording, fallback: Market[]): Market[] {
  const markets = recording.markets ?? fallback
  const have = new Set(markets.map((m) => m.market))
  const extra = [...new Set(recording.frames.map((r) => r.code))].filter((c) => !have.has(c))
  return [...markets, ...extra.map((market): Market => ({ market, korean_name: market, english_name: market }))]
}

/** Frames per second over one loop of the recording (its span plus one mean gap, as ReplaySource loops). */
export function recordedRate(recording: Recording): number {
  return (recording.frames.length * 1000) / loopSpan(recording.frames)
}

function loopSpan(entries: Recorded[]): number {
  const first = entries[0]!.t
  const last = entries.at(-1)!.t
  return last - first + Math.max(1, (last - first) / entries.length)
}

const TIMESTAMP = /,"timestamp":[0-9]+/

/**
 * The frame as the feed sends it: its `timestamp` becomes the intended send time (wall-clock ms),
 * as every generated frame's is, so exchange→ack counts from when the feed meant to send it and not
 * from when it was recorded; every other byte is the recording's.
 */
export function restamp(frame: string, timestampMs: number): string {
  return frame.replace(TIMESTAMP, `,"timestamp":${Math.floor(timestampMs)}`)
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
    this.span = loopSpan(entries)
    this.loopStart = performance.now() - entries[0]!.t / speed
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
