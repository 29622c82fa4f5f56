/**
 * The lint step of `bun run test`: TypeScript types (tsc --noEmit over src, scripts, tools), the
 * formatter (prettier), gofmt over the harness's Go tool, and each registered contender's own
 * linters in its language (src/registry: gofmt and go vet for Go, ...). `bun run format` rewrites
 * what the formatters flag.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PATHS, ROOT } from '../src/paths.ts'
import type { CheckCommand } from '../src/registry/entry.ts'
import { ownChecks } from '../src/registry/registry.ts'
import { parseCli } from '../src/entry-point.ts'

parseCli(
  {
    name: 'lint',
    command: 'bun scripts/lint.ts',
    usage: `bun scripts/lint.ts

The lint step of \`bun run test\`: types, prettier, gofmt and each registered contender's own linters
(go vet, ruff, ...). No options; \`bun run format\` rewrites what the formatters flag.
Exit: 0 all clean; 1 a check failed; 2 bad arguments.`,
  },
  { options: {} },
)

const manifest = JSON.parse(readFileSync(PATHS.manifest, 'utf8'))
const steps: [string, CheckCommand][] = [
  ['types', { cmd: ['bunx', 'tsc', '--noEmit', '-p', '.'], cwd: '.' }],
  [
    'prettier',
    {
      cmd: ['bunx', 'prettier', '--check', '--log-level', 'warn', 'src/**/*.ts', 'scripts/**/*.ts', 'tools/**/*.ts'],
      cwd: '.',
    },
  ],
  ['gofmt (tools)', { cmd: ['gofmt', '-l', 'tools/compose-check'], cwd: '.', failsOnOutput: true }],
  ...ownChecks({ librdkafkaPrefix: manifest.librdkafkaPrefix, librdkafkaVersion: manifest.librdkafkaVersion }).flatMap(
    (suite) => suite.lint.map((l): [string, CheckCommand] => [`${l.name} (${suite.id})`, l.command]),
  ),
]

/**
 * Two checks at a time: tsc and clippy are each single-threaded for most of their run, so on the
 * 2-core machine the step takes the longer of them rather than their sum.
 */
const AT_ONCE = 2

async function run([name, c]: [string, CheckCommand]): Promise<boolean> {
  const proc = Bun.spawn(c.cmd, {
    cwd: join(ROOT, c.cwd),
    env: { ...process.env, ...c.env },
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()])
  const code = await proc.exited
  const output = (out + err).trim()
  const ok = code === 0 && !(c.failsOnOutput && output.length > 0)
  console.log(`lint ${name}: ${ok ? 'ok' : 'FAILED'}${ok ? '' : `\n${output}`}`)
  return ok
}

const queue = [...steps]
const results: boolean[] = []
await Promise.all(
  Array.from({ length: AT_ONCE }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) results.push(await run(next))
  }),
)
process.exit(results.every(Boolean) ? 0 : 1)
