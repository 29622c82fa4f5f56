/**
 * @module testing/preload
 * bun's test preload (bunfig.toml `[test] preload`), so that plain `bun test` (the whole tree or
 * one file) works as `bun run test` does. When the run holds a conformance or bench file
 * (testing/tiers: told by name) and `bun run test` is not the caller, it
 *   1. gives the run the integration timeout: bun reads none from bunfig.toml and its 5 s default
 *      ends a hook that boots a broker as a bare "hook timed out", so a run without `--timeout`
 *      is run again with it (one line says so);
 *   2. checks the set-up (`bun scripts/setup.ts --quiet`: a cache check when done, a rebuild of
 *      what changed, e.g. the Go binary the tests spawn);
 *   3. starts the one broker the files share unless KAFKA_BOOTSTRAP_SERVERS names one, and stops
 *      it after the last file (or on a signal).
 * A unit-only run is left alone: no set-up, no broker. Each failure is one line naming what is
 * missing and how to get it.
 */
import { afterAll } from 'bun:test'
import { readFileSync } from 'node:fs'
import { useKafka } from '../bench/broker/embedded.ts'
import { onShutdown, once } from '../bench/shutdown.ts'
import { ROOT } from '../paths.ts'
import { HARNESS_ENV, INTEGRATION_TIMEOUT_MS, selectFiles, splitBunTestArgs, testFiles, tierOf } from './tiers.ts'

/** This process's own command line (process.argv names only the first test file in a preload). */
function commandLine(): string[] {
  try {
    return readFileSync('/proc/self/cmdline', 'utf8').split('\0').filter(Boolean)
  } catch {
    return process.argv
  }
}

function fail(line: string): never {
  console.error(`bun test: ${line}`)
  process.exit(1)
}

async function main() {
  if (process.env[HARNESS_ENV]) return
  const argv = commandLine()
  const at = argv.indexOf('test')
  if (at < 0) return
  const args = splitBunTestArgs(argv.slice(at + 1))
  const integration = selectFiles(testFiles(ROOT), args, ROOT, process.cwd()).filter((f) => tierOf(f) !== 'unit')
  if (integration.length === 0) return

  const hasTimeout = args.flags.some((f) => f === '--timeout' || f.startsWith('--timeout='))
  if (!hasTimeout) {
    const again = [process.execPath, ...argv.slice(1, at + 1), '--timeout', String(INTEGRATION_TIMEOUT_MS)]
    again.push(...argv.slice(at + 1))
    console.error(
      `bun test: ${integration.length} integration file(s) in this run; running it again with --timeout ${INTEGRATION_TIMEOUT_MS} (bun reads no timeout from bunfig.toml)`,
    )
    const child = Bun.spawn(again, { cwd: process.cwd(), stdio: ['inherit', 'inherit', 'inherit'] })
    // a signal meant for this run reaches the child too (a terminal's Ctrl-C reaches both)
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal))
    process.exit(await child.exited)
  }

  const setup = Bun.spawnSync(['bun', 'scripts/setup.ts', '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (setup.exitCode !== 0) fail('set-up failed (above); the integration files need it: run `bun run setup`')

  if (process.env.KAFKA_BOOTSTRAP_SERVERS) return
  let kafka: Awaited<ReturnType<typeof useKafka>>
  try {
    kafka = await useKafka()
  } catch (error) {
    fail(
      `the integration files need Kafka and none could be started (${(error as Error).message}); set KAFKA_BOOTSTRAP_SERVERS=host:port to use a running one, e.g. from \`bun run kafka\``,
    )
  }
  const stop = once(() => kafka.stop())
  onShutdown(stop)
  afterAll(stop)
  Object.assign(process.env, kafka.env, { TEST_BROKERS: String(kafka.brokers) })
  console.error(
    `bun test: Kafka at ${kafka.bootstrap} for the ${integration.length} integration file(s), stopped after the last (KAFKA_BOOTSTRAP_SERVERS to use yours)`,
  )
}

await main()
