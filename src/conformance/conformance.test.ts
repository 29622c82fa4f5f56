/**
 * The conformance suite's own machinery, without a broker: which files it holds, how a JUnit
 * report from bun's runner becomes checks, and how a record keeps a contender out of a race.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { ROOT } from '../paths.ts'
import { entryOf } from '../registry/registry.ts'
import { conformanceGate } from './gate.ts'
import { buildHash, parseJUnit, readRecord, writeRecord, type ConformanceRecord } from './record.ts'
import { conformanceTable, totals } from './run.ts'
import { BENCH_TIER_FILES, CONFORMANCE_FILES } from './suite.ts'

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : testFiles(path)
    return name.endsWith('.test.ts') ? [relative(ROOT, path)] : []
  })
}

describe('the suite', () => {
  test('every listed file exists', () => {
    for (const file of [...CONFORMANCE_FILES, ...BENCH_TIER_FILES])
      expect({ file, exists: existsSync(join(ROOT, file)) }).toEqual({ file, exists: true })
  })

  test('every test file parametrised by the registry is in the suite or the bench tier', () => {
    const parametrised = testFiles(join(ROOT, 'src')).filter((f) =>
      /=\s*contendersUnderTest\(\)/.test(readFileSync(join(ROOT, f), 'utf8')),
    )
    expect(parametrised.length).toBeGreaterThan(3)
    const listed = new Set<string>([...CONFORMANCE_FILES, ...BENCH_TIER_FILES])
    expect(parametrised.filter((f) => !listed.has(f))).toEqual([])
  })
})

describe('a JUnit report from bun test', () => {
  test('becomes one check per test: passed, failed with its first line, skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ukb-junit-'))
    writeFileSync(
      join(dir, 'sample.test.ts'),
      [
        "import { describe, expect, test } from 'bun:test'",
        "describe.each(['x'])('%s: group', () => {",
        "  test('holds', () => expect(1).toBe(1))",
        "  test('breaks <&>', () => expect(1).toBe(2))",
        "  test.skip('waits', () => {})",
        '})',
      ].join('\n'),
    )
    const proc = Bun.spawn(['bun', 'test', '--reporter=junit', '--reporter-outfile=out.xml', 'sample.test.ts'], {
      cwd: dir,
      stdout: 'ignore',
      stderr: 'ignore',
    })
    expect(await proc.exited).toBe(1)
    const checks = parseJUnit(readFileSync(join(dir, 'out.xml'), 'utf8'))
    expect(checks.map((c) => [c.check, c.outcome])).toEqual([
      ['x: group > holds', 'passed'],
      ['x: group > breaks <&>', 'failed'],
      ['x: group > waits', 'skipped'],
    ])
    expect(checks[1]!.failure).toContain('expect(received).toBe(expected)')
  })
})

function record(
  contender: string,
  outcomes: ('passed' | 'failed')[],
  build = buildHash(entryOf(contender)),
): ConformanceRecord {
  return {
    contender,
    build,
    atMs: 1,
    checks: outcomes.map((outcome, i) => ({ file: 'src/bench/x.test.ts', check: `check ${i}`, outcome, seconds: 1 })),
  }
}

describe('the gate before a race', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'ukb-records-'))

  test('a failed check for the build about to run keeps the contender out, naming the check and the command', () => {
    const d = dir()
    writeRecord(record('go', ['passed', 'failed']), d)
    writeRecord(record('bun', ['passed', 'passed']), d)
    const gate = conformanceGate(['bun', 'go'], d)
    expect(gate.refused).toHaveLength(1)
    expect(gate.refused[0]).toContain('"check 1"')
    expect(gate.refused[0]).toContain('bun run conformance go')
    expect(gate.unproven).toEqual([])
  })

  test('a record of another build, or none, proves nothing: unproven, not refused', () => {
    const d = dir()
    writeRecord(record('go', ['failed'], 'another-build'), d)
    expect(conformanceGate(['go', 'python'], d)).toEqual({ refused: [], unproven: ['go', 'python'] })
  })

  test('a record is replaced, never written through a link planted at its path', () => {
    const d = dir()
    const target = join(d, 'target.txt')
    writeFileSync(target, 'keep')
    require('node:fs').symlinkSync(target, join(d, 'bun.json'))
    writeRecord(record('bun', ['passed']), d)
    expect(readFileSync(target, 'utf8')).toBe('keep')
    expect(readRecord('bun', d)?.checks).toHaveLength(1)
  })

  test('the table and totals count every check', () => {
    const r = record('bun', ['passed', 'failed', 'passed'])
    expect(totals(r)).toEqual({ passed: 2, failed: 1, skipped: 0 })
    expect(conformanceTable(r).split('\n')).toHaveLength(4)
  })
})
