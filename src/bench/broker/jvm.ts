/**
 * @module kafka/jvm
 * Running Kafka's Java main classes from the jars set-up resolved into .cache/kafka/libs: the
 * storage formatter (runs to completion) and the broker (a long-lived child), plus the process
 * plumbing around them: free ports, stopping with a grace period, and a last-resort kill of every
 * JVM this process started when it exits without having stopped them (no orphaned brokers).
 */
import type { Subprocess } from 'bun'
import { existsSync, openSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { PATHS } from '../../paths.ts'

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
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Runs a Java main class to completion, output appended to logFile; resolves with its exit code. */
export async function runJavaMain(args: string[], logFile: string): Promise<number> {
  const log = openSync(logFile, 'a')
  const proc = Bun.spawn(['java', '-cp', classPath(), ...args], { stdout: log, stderr: log, stdin: 'ignore' })
  return proc.exited
}

const running = new Set<Subprocess>()
let exitHookInstalled = false

/** Starts a long-lived JVM (output appended to logFile); it is SIGKILLed if this process exits first. */
export function spawnJvm(flags: string[], mainClass: string, args: string[], logFile: string): Subprocess {
  const log = openSync(logFile, 'a')
  const proc = Bun.spawn(['java', ...flags, '-cp', classPath(), mainClass, ...args], { stdout: log, stderr: log, stdin: 'ignore' })
  running.add(proc)
  void proc.exited.then(() => running.delete(proc))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // 'exit' handlers run synchronously; kill() is synchronous. Covers process.exit() and
    // uncaught errors; a SIGKILL of this process itself cannot be covered.
    process.on('exit', () => {
      for (const p of running) if (p.exitCode === null) p.kill('SIGKILL')
    })
  }
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
