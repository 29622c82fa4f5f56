/**
 * Every entry point answers alike (src/entry-point.ts): `--help` prints the usage and exits 0; an
 * unknown option prints one line naming it and how to get help and exits 2, never a stack trace.
 * The entry points are the ones the README names (`bun run NAME` through package.json, `bun
 * FILE.ts`), every script in scripts/, the tools, and every registered contender, whose help is
 * generated from the contract's env table in each language and so reads the same in all of them.
 * Each of these exits before any connection: no broker is needed.
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { usage } from './contender/usage.ts'
import { ROOT } from './paths.ts'
import { REGISTRY } from './registry/registry.ts'

const UNKNOWN = '--no-such-option'

/** The bun files the README names, directly or through a package.json script. */
function readmeEntryPoints(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts
  const files = new Set<string>()
  for (const [, file] of readme.matchAll(/`bun ((?:scripts|src|tools)\/[\w/.-]+\.ts)\b/g)) files.add(file!)
  for (const [, name] of readme.matchAll(/`bun run ([\w:-]+)/g)) {
    // `bun scripts/setup.ts --quiet && bun scripts/NAME.ts`: the last bun file is the entry point
    const last = [...(scripts[name!] ?? '').matchAll(/\bbun ([\w/.-]+\.ts)/g)].at(-1)?.[1]
    if (last) files.add(last)
  }
  return [...files]
}

const bunFiles = [
  ...new Set([...readmeEntryPoints(), ...readdirSync(join(ROOT, 'scripts')).map((f) => `scripts/${f}`)]),
].sort()

interface Answer {
  code: number
  out: string
  err: string
}

function run(cmd: string[], cwd = ROOT): Answer {
  const proc = Bun.spawnSync(cmd, { cwd, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore', timeout: 60_000 })
  return { code: proc.exitCode ?? -1, out: proc.stdout.toString(), err: proc.stderr.toString() }
}

function expectHelp(a: Answer): void {
  expect({ code: a.code, err: a.err }).toEqual({ code: 0, err: '' })
  expect(a.out.trim().length).toBeGreaterThan(0)
}

function expectUnknown(a: Answer): void {
  expect(a.code).toBe(2)
  const lines = a.err.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(UNKNOWN)
  expect(lines[0]).toContain('--help')
  expect(a.out).toBe('')
}

test('the README names entry points, and each of them is covered', () => {
  // spelled from parts: src/testing/tiers.test.ts reads a literal bench or kafka script path as a
  // unit file starting them, and these runs stop at the argument check
  for (const name of ['bench', 'kafka', 'test', 'setup', 'feed-bench']) expect(bunFiles).toContain(`scripts/${name}.ts`)
  expect(bunFiles).toContain('src/ceilings/floor.ts')
})

describe.each(bunFiles)('bun %s', (file) => {
  test('--help prints the usage and exits 0', () => expectHelp(run(['bun', file, '--help'])))
  test('an unknown option is one line naming it, exit 2', () => expectUnknown(run(['bun', file, UNKNOWN])))
})

describe.each(REGISTRY.map((e) => [e.name, e] as const))('contender %s', (_name, entry) => {
  test('--help prints the contract-generated usage (the same in every language) and exits 0', () => {
    const a = run([...entry.command(), '--help'])
    expectHelp(a)
    expect(a.out.trim()).toBe(usage())
  })
  test('an unknown option is one line naming it, exit 2', () => expectUnknown(run([...entry.command(), UNKNOWN])))
})

describe('tools', () => {
  test.skipIf(!Bun.which('python3'))('tools/check-clients/check_clients.py', () => {
    const script = join(ROOT, 'tools', 'check-clients', 'check_clients.py')
    expectHelp(run(['python3', script, '--help']))
    expectUnknown(run(['python3', script, '--rest', 'http://127.0.0.1:1', '--ws', 'ws://127.0.0.1:1', UNKNOWN]))
  })

  test('tools/compose-check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-check-'))
    const binary = join(dir, 'compose-check')
    try {
      const build = run(['go', 'build', '-o', binary, '.'], join(ROOT, 'tools', 'compose-check'))
      expect(build.code, build.err).toBe(0)
      expectHelp(run([binary, '--help']))
      expectUnknown(run([binary, UNKNOWN]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
