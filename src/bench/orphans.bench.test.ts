/**
 * Issue 25: a SIGKILLed bench left its Kafka JVM listening (224 MB RSS, for minutes), a contender
 * running on, and its data dir under .cache/kafka/runs/. No hook of the bench runs on SIGKILL:
 * its children must die with it (bench/tether.ts) and the next start must sweep the dir
 * (broker/stale-runs.ts). The supervisor here is a real one: its own broker, the feed, a
 * contender inside its window.
 */
import { expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { sweepStaleRuns } from './broker/stale-runs.ts'

const FIXTURE = join(import.meta.dir, 'orphans.fixture.ts')

function running(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')
  } catch {
    return false
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function firstLine(stream: ReadableStream<Uint8Array>, timeoutMs: number): Promise<string> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const deadline = Date.now() + timeoutMs
  while (!text.includes('\n') && Date.now() < deadline) {
    const r = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => undefined)])
    if (!r || r.done) break
    text += decoder.decode(r.value, { stream: true })
  }
  reader.releaseLock()
  return text.split('\n')[0]!
}

test('a SIGKILLed supervisor takes its broker and its contender along; the next start sweeps its dir', async () => {
  // its own broker, not the one `bun run test` shares
  const proc = Bun.spawn(['bun', FIXTURE], {
    env: { ...process.env, KAFKA_BOOTSTRAP_SERVERS: '' },
    stdout: 'pipe',
    stderr: 'inherit',
    stdin: 'ignore',
  })
  let line: string
  try {
    line = await firstLine(proc.stdout, 150_000)
  } catch (error) {
    proc.kill('SIGKILL')
    throw error
  }
  if (!line.startsWith('{')) {
    proc.kill('SIGKILL')
    throw new Error(`the supervisor did not come up: ${JSON.stringify(line)}`)
  }
  const started = JSON.parse(line) as { jvm: number; contender: number; port: number; dataDir: string }
  expect(running(started.jvm) && running(started.contender) && (await listening(started.port))).toBe(true)

  proc.kill('SIGKILL')
  await proc.exited
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (!running(started.jvm) && !running(started.contender) && !(await listening(started.port))) break
    await Bun.sleep(100)
  }
  const left = { jvm: running(started.jvm), contender: running(started.contender), port: await listening(started.port) }
  // the test must not leave them either, whatever it found
  for (const pid of [started.jvm, started.contender]) if (running(pid)) process.kill(pid, 'SIGKILL')
  expect(left).toEqual({ jvm: false, contender: false, port: false })

  // nobody removed the dead run's dir; the next start's sweep does
  expect(existsSync(started.dataDir)).toBe(true)
  expect(sweepStaleRuns()).toContain(started.dataDir)
  expect(existsSync(started.dataDir)).toBe(false)
}, 200_000)
