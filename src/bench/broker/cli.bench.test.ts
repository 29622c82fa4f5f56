/**
 * `bun run kafka` as a user runs it (scripts/kafka.ts in a child process, real JVMs): a bad
 * --brokers exits 2 naming the flag; SIGINT, SIGTERM and SIGHUP each stop every JVM and remove
 * the data dir, also when the signal lands while three nodes are still starting.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { PATHS, ROOT } from '../../paths.ts'
import { processTicks } from './cpu.ts'
import { takeBrokersFlag } from './flags.ts'

const script = join(ROOT, 'scripts', 'kafka.ts')

function spawnKafka(args: string[]) {
  const { KAFKA_BOOTSTRAP_SERVERS: _, ...env } = process.env
  return Bun.spawn(['bun', script, ...args], { env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
}

/** Reads stdout until `pattern` shows (bounded), returning everything read so far. */
async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp, withinMs: number): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + withinMs
  try {
    while (!pattern.test(text)) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no ${pattern} within ${withinMs} ms; got:\n${text}`)
      const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => undefined)])
      if (!chunk || chunk.done) {
        if (!chunk) continue
        throw new Error(`output ended before ${pattern}; got:\n${text}`)
      }
      text += decoder.decode(chunk.value)
    }
    return text
  } finally {
    reader.releaseLock()
  }
}

describe('takeBrokersFlag (for bun run test --brokers 3)', () => {
  test('takes --brokers N or --brokers=N out, leaves the rest in order; default 1', () => {
    expect(takeBrokersFlag(['src/feed', '--brokers', '3', '--no-go'])).toEqual({
      brokers: 3,
      rest: ['src/feed', '--no-go'],
    })
    expect(takeBrokersFlag(['--brokers=1'])).toEqual({ brokers: 1, rest: [] })
    expect(takeBrokersFlag(['-t', 'x'])).toEqual({ brokers: 1, rest: ['-t', 'x'] })
  })
  test('a bad or missing value is one line naming the flag', () => {
    expect(() => takeBrokersFlag(['--brokers', '2'])).toThrow('bad option --brokers: must be 1 or 3')
    expect(() => takeBrokersFlag(['--brokers'])).toThrow('bad option --brokers: must be 1 or 3')
  })
})

describe('bun run kafka', () => {
  test.each(['2', '0', 'three', '3.0'])('--brokers %p exits 2 naming the flag', async (value) => {
    const proc = spawnKafka(['--brokers', value])
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()])
    expect(code).toBe(2)
    expect(err.split('\n')[0]).toBe('kafka: bad option --brokers: must be 1 or 3 (see `bun run kafka --help`)')
  })

  test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s stops the JVM and removes its data dir',
    async (signal) => {
      const proc = spawnKafka(['--brokers', '1'])
      try {
        const out = await readUntil(proc.stdout, /Ctrl-C stops it/, 90_000)
        const pids = [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]))
        const dataDir = /data: (\S+)/.exec(out)![1]!
        expect(pids).toHaveLength(1)
        expect(existsSync(dataDir)).toBe(true)
        proc.kill(signal)
        expect(await proc.exited).toBe(0)
        expect(pids.map(processTicks)).toEqual([undefined])
        expect(existsSync(dataDir)).toBe(false)
      } finally {
        proc.kill('SIGKILL')
      }
    },
    120_000,
  )

  test('SIGINT while three nodes start: no JVM left, no data dir left', async () => {
    const runsBefore = new Set(existsSync(PATHS.kafkaRuns) ? readdirSync(PATHS.kafkaRuns) : [])
    const proc = spawnKafka(['--brokers', '3'])
    try {
      // the JVMs run once the three nodes are formatted: wait for one of their log files to grow
      const deadline = Date.now() + 60_000
      let dir: string | undefined
      while (Date.now() < deadline && !dir) {
        const fresh = (existsSync(PATHS.kafkaRuns) ? readdirSync(PATHS.kafkaRuns) : []).filter(
          (d) => !runsBefore.has(d),
        )
        const candidate = fresh
          .map((d) => join(PATHS.kafkaRuns, d))
          .find((d) => Bun.spawnSync(['pgrep', '-f', `${d}/node-1/server.properties`]).exitCode === 0)
        if (candidate) dir = candidate
        else await Bun.sleep(200)
      }
      expect(dir).toBeDefined()
      proc.kill('SIGINT')
      expect(await proc.exited).toBe(0)
      expect(Bun.spawnSync(['pgrep', '-f', `${dir}/node-`]).exitCode).toBe(1)
      expect(existsSync(dir!)).toBe(false)
    } finally {
      proc.kill('SIGKILL')
    }
  }, 120_000)
})
