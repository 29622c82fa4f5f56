/**
 * @module bench/spawn
 * Starts one contender program (any registered one) with the shared contract's environment,
 * reads its `@bench` event lines (validated by src/contract/events.ts), and lets the bench send
 * `START <epochMs>`. Human lines are kept in a log file (and the last ones in memory for error
 * messages). Every running contender is tracked, so a signal to the bench can stop them all.
 */
import { type Subprocess } from 'bun'
import { mkdirSync, type WriteStream } from 'node:fs'
import { dirname } from 'node:path'
import { createFileStream } from '../atomic-write.ts'
import { parseEventLine, type BenchEvent } from '../contract/events.ts'
import type { Contender } from '../contract/report.ts'
import { ROOT } from '../paths.ts'
import { entryOf } from '../registry/registry.ts'
import { tethered } from './tether.ts'

export type ContenderEvent = BenchEvent

const running = new Set<RunningContender>()

/** SIGKILLs every contender still running (the bench is stopping); resolves when all exited. */
export async function killAllContenders(): Promise<void> {
  const all = [...running]
  for (const proc of all) proc.signal('SIGKILL')
  await Promise.all(all.map((p) => p.exited))
}

/** The command that runs a contender: its registry entry's (src/registry/registry.ts). */
export function contenderCommand(contender: Contender): string[] {
  return entryOf(contender).command()
}

export class RunningContender {
  readonly events: ContenderEvent[] = []
  readonly tail: string[] = []
  readonly exited: Promise<number>
  private readonly listeners = new Set<(e: ContenderEvent) => void>()
  private readonly proc: Subprocess<'pipe', 'pipe', 'pipe'>
  private readonly log: WriteStream

  constructor(
    readonly contender: Contender,
    env: Record<string, string>,
    logFile: string,
    /** e.g. ['taskset', '-c', '1'] to pin it (bench/pinning.ts) */
    prefix: string[] = [],
  ) {
    mkdirSync(dirname(logFile), { recursive: true })
    this.log = createFileStream(logFile)
    // tethered: it dies with the bench even when the bench is SIGKILLed mid-window
    this.proc = Bun.spawn(tethered([...prefix, ...contenderCommand(contender)]), {
      cwd: ROOT,
      env: { ...process.env, ...env, CONTENDER: contender },
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    running.add(this)
    const pumps = [this.pump(this.proc.stdout), this.pump(this.proc.stderr)]
    this.exited = Promise.all([this.proc.exited, ...pumps]).then(([code]) => {
      running.delete(this)
      this.log.end()
      return code
    })
  }

  /** the contender's process id (its own process: no wrapper unless a prefix was given) */
  get pid(): number {
    return this.proc.pid
  }

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let buffered = ''
    const reader = stream.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      buffered += decoder.decode(r.value, { stream: true })
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        this.line(buffered.slice(0, newline))
        buffered = buffered.slice(newline + 1)
      }
    }
    if (buffered) this.line(buffered)
  }

  private line(line: string): void {
    this.log.write(line + '\n')
    let event: ContenderEvent | undefined
    try {
      event = parseEventLine(line)
    } catch (error) {
      // a malformed machine line breaks the contract: keep it visible in the tail and the log
      this.tail.push(`(bad event line) ${(error as Error).message}`)
      return
    }
    if (event) {
      this.events.push(event)
      for (const listener of this.listeners) listener(event)
      return
    }
    this.tail.push(line)
    if (this.tail.length > 30) this.tail.shift()
  }

  on(listener: (e: ContenderEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Resolves with the first event of this kind (or rejects if the process exits first). */
  waitFor<K extends ContenderEvent['event']>(kind: K): Promise<Extract<ContenderEvent, { event: K }>> {
    type E = Extract<ContenderEvent, { event: K }>
    const seen = this.events.find((e): e is E => e.event === kind)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const off = this.on((e) => {
        if (e.event === kind) {
          off()
          resolve(e as E)
        }
      })
      this.exited.then((code) => {
        off()
        reject(
          new Error(`${this.contender} exited (${code}) before "${kind}":\n  ${this.tail.slice(-10).join('\n  ')}`),
        )
      })
    })
  }

  start(epochMs: number): void {
    this.write(`START ${epochMs}\n`)
  }

  /**
   * Raw text on the contender's stdin (tests of what it does with other lines than START). A
   * contender that already closed its stdin (it is exiting: bad config, exit 2) cannot be told
   * anything more; its exit code and report say what happened, so a broken pipe is not the
   * bench's error.
   */
  write(text: string): void {
    try {
      this.proc.stdin.write(text)
      this.proc.stdin.flush()
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error
    }
  }

  signal(sig: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): void {
    this.proc.kill(sig)
  }
}
