/**
 * The lint step of `bun run test`: TypeScript types (tsc --noEmit over src, scripts, tools) and
 * the formatters (prettier for TypeScript, gofmt for Go). `bun run format` rewrites what they flag.
 */
const steps: [string, string[]][] = [
  ['types', ['bunx', 'tsc', '--noEmit', '-p', '.']],
  [
    'prettier',
    ['bunx', 'prettier', '--check', '--log-level', 'warn', 'src/**/*.ts', 'scripts/**/*.ts', 'tools/**/*.ts'],
  ],
  ['gofmt', ['gofmt', '-l', 'go', 'tools/compose-check']],
]

let failed = false
for (const [name, cmd] of steps) {
  const proc = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' })
  const output = (proc.stdout.toString() + proc.stderr.toString()).trim()
  // gofmt -l succeeds even when it lists files: a listed file is unformatted
  const ok = proc.exitCode === 0 && !(name === 'gofmt' && output.length > 0)
  console.log(`lint ${name}: ${ok ? 'ok' : 'FAILED'}${ok ? '' : `\n${output}`}`)
  failed ||= !ok
}
process.exit(failed ? 1 : 0)
