/**
 * The tiers are told apart by file name, so a name must not lie: a unit file (`*.test.ts`) that
 * starts a broker or a contender program would put a broker back into the inner loop (and time
 * out under plain `bun test`). Also the argument reading the preload and `bun run test` share.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'
import { selectFiles, splitBunTestArgs, testFiles, tierOf } from './tiers.ts'

/** What only a conformance or bench file may use: a broker, a cluster, the contender programs, the bench. */
const NEEDS_REAL_PARTS =
  /\b(useKafka|startKafka|startCluster|contendersUnderTest|runProgram|Rig\.start)\(|scripts\/(bench|kafka)\.ts/

describe('the files', () => {
  const files = testFiles(ROOT)

  test('are found, in every tier (the check is not vacuous)', () => {
    const count = (tier: string) => files.filter((f) => tierOf(f) === tier).length
    expect(count('unit')).toBeGreaterThan(20)
    expect(count('conformance')).toBeGreaterThan(5)
    expect(count('bench')).toBeGreaterThan(2)
    expect(files).toContain('src/contender/integration/startup.int.test.ts')
    expect(files.some((f) => f.includes('node_modules') || f.startsWith('.cache'))).toBe(false)
  })

  test('a unit file starts no broker, cluster, contender program or bench (else name it *.int.test.ts or *.bench.test.ts)', () => {
    const misnamed = files
      .filter((f) => tierOf(f) === 'unit' && f !== 'src/testing/tiers.test.ts')
      .filter((f) => NEEDS_REAL_PARTS.test(readFileSync(join(ROOT, f), 'utf8')))
    expect(misnamed).toEqual([])
  })
})

describe('tierOf', () => {
  test('reads the tier from the name alone', () => {
    expect(tierOf('src/feed/server.test.ts')).toBe('unit')
    expect(tierOf('src/bench/inputs.int.test.ts')).toBe('conformance')
    expect(tierOf('src/bench/bench.bench.test.ts')).toBe('bench')
  })
})

describe('bun test arguments', () => {
  test('path filters apart from flags, a flag keeping its value', () => {
    expect(splitBunTestArgs(['src/feed', '-t', 'a name', '--timeout=5', '--bail', './x.test.ts'])).toEqual({
      filters: ['src/feed', './x.test.ts'],
      flags: ['-t', 'a name', '--timeout=5', '--bail'],
    })
  })

  const files = ['src/feed/server.test.ts', 'src/bench/inputs.int.test.ts', 'src/bench/bench.bench.test.ts']
  const pick = (args: string[], cwd = '/repo') => selectFiles(files, splitBunTestArgs(args), '/repo', cwd)

  test('select as bun does: every file without a filter, else those whose path contains one', () => {
    expect(pick([])).toEqual(files)
    expect(pick(['src/feed'])).toEqual(['src/feed/server.test.ts'])
    expect(pick(['inputs', 'feed/'])).toEqual(['src/feed/server.test.ts', 'src/bench/inputs.int.test.ts'])
  })

  test('a ./ or absolute filter is a path from the working directory', () => {
    expect(pick(['./inputs.int.test.ts'], '/repo/src/bench')).toEqual(['src/bench/inputs.int.test.ts'])
    expect(pick(['/repo/src/bench'])).toEqual(['src/bench/inputs.int.test.ts', 'src/bench/bench.bench.test.ts'])
    expect(pick(['.'], '/repo')).toEqual(files)
  })

  test('--path-ignore-patterns leaves files out', () => {
    expect(pick(['--path-ignore-patterns', '**/*.{int,bench}.test.ts'])).toEqual(['src/feed/server.test.ts'])
    expect(pick(['--path-ignore-patterns=src/bench/**'])).toEqual(['src/feed/server.test.ts'])
  })
})
