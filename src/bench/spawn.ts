/**
 * @module bench/spawn
 * Starts one contender program (bun, node, go) with the shared contract's environment, reads
 * its `@bench` event lines, and lets the bench send `START <epochMs>`. Human lines are kept
 * in a log file (and the last ones in memory for error messages).
 */
import { type Subprocess } from 'bun'
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs'
import { dirname, join } from 'node:path'
import { PATHS, ROOT } from '../paths.ts'
import type { Contender } from '../contract/report.ts'

export interface ContenderEvent {
  event: 'ready' | 'start' | 'metrics' | 'end' | 'report' | 'error'
  [key: string]: unknown
}

/** The command that runs each contender: the same contract, three runtimes. */
export function contenderCommand(contender: Contender): string[] {
  switch (contender) {
    case 'bun':
      return ['bun', join(ROOT, 'src', 'contender', 'main-bun.ts')]
    case 'node':
      if (!existsSync(PATHS.nodeBundle)) throw new Error(`${PATHS.nodeBundle} missing: run \`bun run setup\``)
      // Node 20's global WebSocket is behind this flag (unflagged from Node 22)
      return ['node', '--experimental-websocket', '--no-warnings', PATHS.nodeBundle]
    case 'go':
      if (!existsSync(PATHS.goBinary)) throw new Error(`${PATHS.goBinary} missing: run \`bun run setup\``)
      return [PATHS.goBinary]
  }
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
  ) {
    mkdirSync(dirname(logFile), { recursive: true })
    this.log = createWriteStream(logFile)
    this.proc = Bun.spawn(contenderCommand(contender), {
      cwd: ROOT,
      env: { ...process.env, ...env, CONTENDER: contender },
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const pumps = [this.pump(this.proc.stdout), this.pump(this.proc.stderr)]
    this.exited = Promise.all([this.proc.exited, ...pumps]).then(([code]) => {
      this.log.end()
      return code
    })
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
    if (line.startsWith('@bench ')) {
      try {
        const event = JSON.parse(line.slice(7)) as ContenderEvent
        this.events.push(event)
        for (const listener of this.listeners) listener(event)
      } catch {
        // a torn line is kept in the log; the bench does not depend on any single metrics line
      }
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
  waitFor(kind: ContenderEvent['event']): Promise<ContenderEvent> {
    const seen = this.events.find((e) => e.event === kind)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const off = this.on((e) => {
        if (e.event === kind) {
          off()
          resolve(e)
        }
      })
      this.exited.then((code) => {
        off()
        reject(new Error(`${this.contender} exited (${code}) before "${kind}":\n  ${this.tail.slice(-10).join('\n  ')}`))
      })
    })
  }

  start(epochMs: number): void {
    this.proc.stdin.write(`START ${epochMs}\n`)
    this.proc.stdin.flush()
  }

  signal(sig: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): void {
    this.proc.kill(sig)
  }
}
