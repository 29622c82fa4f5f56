/**
 * `bun run test`: the whole suite against real parts. One embedded Kafka broker (`--brokers 3`: a
 * 3-node cluster; or KAFKA_BOOTSTRAP_SERVERS) serves every suite: lint (types and format), bun's
 * tests, Go's and Python's. Extra arguments go to `bun test` (e.g. `bun run test src/feed`, which
 * then skips lint, Go and Python); `--no-go` / `--no-python` skip those suites.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { useKafka } from '../src/bench/broker/embedded.ts'
import { takeBrokersFlag } from '../src/bench/broker/flags.ts'
import { onShutdown, once } from '../src/bench/shutdown.ts'
import { tethered } from '../src/bench/tether.ts'
import { PATHS, ROOT } from '../src/paths.ts'

const flags = new Set(['--no-go', '--no-python', '--no-lint'])
let taken: ReturnType<typeof takeBrokersFlag>
try {
  taken = takeBrokersFlag(process.argv.slice(2))
} catch (error) {
  console.error((error as Error).message)
  process.exit(2)
}
const { brokers, rest: args } = taken
const bunArgs = args.filter((a) => !flags.has(a))
const everything = bunArgs.length === 0

async function runStep(name: string, cmd: string[], cwd: string, env: Record<string, string>): Promise<boolean> {
  console.log(`\n== ${name}: ${cmd.join(' ')}`)
  // tethered: a SIGKILLed `bun run test` takes its suites (and through them their brokers) along
  const proc = Bun.spawn(tethered(cmd), {
    cwd,
    env: { ...process.env, ...env },
    stdout: 'inherit',
    stderr: 'inherit',
    stdin: 'ignore',
  })
  return (await proc.exited) === 0
}

async function main() {
  const started = performance.now()
  const manifest = JSON.parse(readFileSync(PATHS.manifest, 'utf8'))
  const results: [string, boolean][] = []
  if (everything && !args.includes('--no-lint')) {
    results.push(['lint', await runStep('lint', ['bun', 'scripts/lint.ts'], ROOT, {})])
  }
  const kafka = await useKafka({ brokers })
  const stop = once(() => kafka.stop())
  const off = onShutdown(stop)
  console.log(
    `test: Kafka at ${kafka.bootstrap} (${kafka.brokers} broker(s), replication factor ${kafka.replicationFactor}, min.insync.replicas ${kafka.minIsr})`,
  )
  const env = { ...kafka.env, TEST_BROKERS: String(kafka.brokers) }
  try {
    results.push(['bun test', await runStep('bun test', ['bun', 'test', '--timeout', '180000', ...bunArgs], ROOT, env)])
    if (everything && !args.includes('--no-go') && existsSync(join(PATHS.goDir, 'go.mod'))) {
      const goEnv = { ...env, ...manifest.goEnv, GO_PRODUCER_BIN: PATHS.goBinary }
      results.push([
        'go test',
        await runStep('go test', ['go', 'test', '-tags', 'dynamic', '-count=1', './...'], PATHS.goDir, goEnv),
      ])
    }
    if (everything && !args.includes('--no-python') && manifest.pythonBin) {
      results.push([
        'pytest',
        await runStep('pytest', [manifest.pythonBin, '-m', 'pytest', '-q', 'python/tests'], ROOT, env),
      ])
    }
  } finally {
    off()
    await stop()
  }
  const failed = results.filter(([, ok]) => !ok)
  console.log(
    `\n== test: ${results.map(([n, ok]) => `${n} ${ok ? 'ok' : 'FAILED'}`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
  process.exit(failed.length === 0 ? 0 : 1)
}

main().catch((error) => {
  console.error(`test: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
