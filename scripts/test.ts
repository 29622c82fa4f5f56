/**
 * `bun run test`: the whole suite against real parts. One embedded Kafka broker (or
 * KAFKA_BOOTSTRAP_SERVERS) serves every test: bun's and Go's. Extra arguments are passed to
 * `bun test` (e.g. `bun run test src/feed`); `--no-go` skips the Go suite.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PATHS, ROOT } from '../src/paths.ts'
import { useKafka } from './kafka.ts'

const args = process.argv.slice(2)
const skipGo = args.includes('--no-go')
const bunArgs = args.filter((a) => a !== '--no-go')

async function runStep(name: string, cmd: string[], cwd: string, env: Record<string, string>): Promise<boolean> {
  console.log(`\n== ${name}: ${cmd.join(' ')}`)
  const proc = Bun.spawn(cmd, { cwd, env: { ...process.env, ...env }, stdout: 'inherit', stderr: 'inherit', stdin: 'ignore' })
  return (await proc.exited) === 0
}

async function main() {
  const started = performance.now()
  const kafka = await useKafka()
  console.log(`test: Kafka at ${kafka.bootstrap}`)
  const env = { KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrap }
  const results: [string, boolean][] = []
  let stopping = false
  const cleanup = async () => {
    if (stopping) return
    stopping = true
    await kafka.stop()
  }
  process.on('SIGINT', () => cleanup().then(() => process.exit(130)))
  try {
    results.push(['bun test', await runStep('bun test', ['bun', 'test', '--timeout', '180000', ...bunArgs], ROOT, env)])
    if (!skipGo && bunArgs.length === 0 && existsSync(join(PATHS.goDir, 'go.mod'))) {
      const manifest = JSON.parse(readFileSync(PATHS.manifest, 'utf8'))
      results.push([
        'go test',
        await runStep('go test', ['go', 'test', '-tags', 'dynamic', '-count=1', './...'], PATHS.goDir, {
          ...env,
          ...manifest.goEnv,
          GO_PRODUCER_BIN: PATHS.goBinary,
        }),
      ])
    }
  } finally {
    await cleanup()
  }
  const failed = results.filter(([, ok]) => !ok)
  console.log(`\n== test: ${results.map(([n, ok]) => `${n} ${ok ? 'ok' : 'FAILED'}`).join(', ')} in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  process.exit(failed.length === 0 ? 0 : 1)
}

main().catch((error) => {
  console.error(error?.stack ?? error)
  process.exit(1)
})
