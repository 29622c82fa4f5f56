/**
 * @module conformance/run
 * Runs the conformance suite for one registered contender against a broker it is given (bun's
 * test runner with TEST_CONTENDERS set to that one name and a JUnit report), records what passed
 * (record.ts) and formats the table `bun run conformance` prints.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tethered } from '../bench/tether.ts'
import { ROOT } from '../paths.ts'
import { entryOf } from '../registry/registry.ts'
import { buildHash, parseJUnit, writeRecord, type CheckResult, type ConformanceRecord } from './record.ts'
import { CONFORMANCE_FILES } from './suite.ts'

const MAX_JUNIT_BYTES = 64 * 1024 * 1024

export interface ConformanceRun {
  record: ConformanceRecord
  /** bun test's own exit code: non-zero with no failed check means the run itself broke */
  exitCode: number
  recordPath: string
}

export async function runConformance(
  contender: string,
  env: Record<string, string>,
  o: { files?: readonly string[]; filter?: string } = {},
): Promise<ConformanceRun> {
  const entry = entryOf(contender)
  const dir = mkdtempSync(join(tmpdir(), 'ukb-conformance-'))
  const junit = join(dir, 'junit.xml')
  try {
    const cmd = [
      'bun',
      'test',
      '--timeout',
      '180000',
      '--reporter=junit',
      `--reporter-outfile=${junit}`,
      ...(o.filter ? ['-t', o.filter] : []),
      ...(o.files ?? CONFORMANCE_FILES),
    ]
    const proc = Bun.spawn(tethered(cmd), {
      cwd: ROOT,
      env: { ...process.env, ...env, TEST_CONTENDERS: contender },
      stdout: 'inherit',
      stderr: 'inherit',
      stdin: 'ignore',
    })
    const exitCode = await proc.exited
    let checks: CheckResult[] = []
    try {
      const file = Bun.file(junit)
      if (file.size <= MAX_JUNIT_BYTES) checks = parseJUnit(readFileSync(junit, 'utf8'))
    } catch {
      // no report: bun test died before writing one; the exit code says so below
    }
    if (exitCode !== 0 && !checks.some((c) => c.outcome === 'failed')) {
      checks.push({
        file: '(runner)',
        check: 'bun test completed',
        outcome: 'failed',
        seconds: 0,
        failure: `bun test exited ${exitCode}`,
      })
    }
    const record: ConformanceRecord = { contender, build: buildHash(entry), atMs: Date.now(), checks }
    return { record, exitCode, recordPath: o.filter ? '' : writeRecord(record) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** One row per check: file, check, outcome, seconds; then the totals. */
export function conformanceTable(record: ConformanceRecord): string {
  const rows = record.checks.map((c) => [
    c.file.replace(/^src\//, ''),
    c.check,
    c.outcome === 'failed' ? `FAILED: ${c.failure ?? ''}` : c.outcome,
    c.seconds.toFixed(1),
  ])
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...[['file', 'check', 'result', 's'][i]!, ...rows.map((r) => r[i]!)].map((s) => s.length)),
  )
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')
  return [line(['file', 'check', 'result', 's']), ...rows.map(line)].join('\n')
}

export function totals(record: ConformanceRecord): { passed: number; failed: number; skipped: number } {
  const count = (o: CheckResult['outcome']) => record.checks.filter((c) => c.outcome === o).length
  return { passed: count('passed'), failed: count('failed'), skipped: count('skipped') }
}
