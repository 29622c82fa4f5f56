/**
 * @module bench/broker/jvm
 * Running Kafka's Java main classes from the jars set-up resolved into .cache/kafka/libs: the
 * storage formatter (runs to completion) and the broker (a long-lived child), plus the process
 * plumbing around them: free ports, stopping with a grace period, and a last-resort kill of every
 * JVM this process started (and removal of its fresh data dirs) when it exits without having
 * stopped them: no orphaned brokers, no stray data. A SIGKILL of this process runs no hook: the
 * JVMs are tethered to it (../tether.ts) and the next start sweeps the dirs (./stale-runs.ts).
 */
import type { Subprocess } from 'bun'
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { PATHS } from '../../paths.ts'
import { tethered } from '../tether.ts'

/** A broker that cannot be set up or started; the message names the log to read. */
export class KafkaSetupError extends Error {
  override readonly name = 'KafkaSetupError'
}

export function classPath(): string {
  if (!existsSync(PATHS.kafkaLibs)) {
    throw new KafkaSetupError(`Kafka jars missing at ${PATHS.kafkaLibs}: run \`bun run setup\``)
  }
  return `${PATHS.kafkaLibs}/*`
}

/** A port free on 127.0.0.1 right now (the broker binds it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Runs a Java main class to completion, output appended to logFile; resolves with its exit code. */
export async function runJavaMain(args: string[], logFile: string): Promise<number> {
  const log = openSync(logFile, 'a')
  const proc = Bun.spawn(tethered(['java', '-cp', classPath(), ...args]), { stdout: log, stderr: log, stdin: 'ignore' })
  return proc.exited
}

const running = new Set<Subprocess>()
const dirsToRemove = new Set<string>()
let exitHookInstalled = false

function gone(pid: number): boolean {
  try {
    // a killed child not yet reaped is a zombie: it holds no files any more
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true
  } catch {
    return true
  }
}

/**
 * On exit of this process (process.exit, the end of a test run, an uncaught error): SIGKILL every
 * JVM still running, wait (at most 3 s, synchronously: 'exit' handlers cannot await) until they
 * are gone, then remove the fresh data dirs nobody stopped. A SIGKILL of this process itself
 * runs no hook: the tether and the next start's sweep cover it.
 */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    const pids = [...running]
      .filter((p) => p.exitCode === null && p.signalCode === null)
      .map((p) => (p.kill('SIGKILL'), p.pid))
    const until = Date.now() + 3000
    while (pids.some((pid) => !gone(pid)) && Date.now() < until) Bun.sleepSync(20)
    for (const dir of dirsToRemove) rmSync(dir, { recursive: true, force: true })
  })
}

/** Removes `dir` when this process exits, unless the returned function is called first. */
export function removeOnExit(dir: string): () => void {
  installExitHook()
  dirsToRemove.add(dir)
  return () => void dirsToRemove.delete(dir)
}

/** Starts a long-lived JVM (output appended to logFile); it is SIGKILLed if this process exits first. */
export function spawnJvm(flags: string[], mainClass: string, args: string[], logFile: string): Subprocess {
  const log = openSync(logFile, 'a')
  const proc = Bun.spawn(tethered(['java', ...flags, '-cp', classPath(), mainClass, ...args]), {
    stdout: log,
    stderr: log,
    stdin: 'ignore',
  })
  running.add(proc)
  void proc.exited.then(() => running.delete(proc))
  installExitHook()
  return proc
}

/**
 * SIGTERM (the broker's orderly shutdown), then SIGKILL after graceMs; graceMs 0 kills at once.
 * Resolves once the process is gone.
 */
export async function stopProcess(proc: Subprocess | undefined, graceMs: number): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
  if (graceMs > 0) {
    proc.kill('SIGTERM')
    const timedOut = await Promise.race([proc.exited.then(() => false), Bun.sleep(graceMs).then(() => true)])
    if (!timedOut) return
  }
  proc.kill('SIGKILL')
  await proc.exited
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}
