import { afterAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeReport } from '../comparison/fixture.ts'
import { reportPath, type Report } from '../contract/report.ts'
import { runBench } from './main.ts'

const scratch = mkdtempSync(join(tmpdir(), 'ukb-compare-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A run directory as the bench leaves it: round-N/{contender}_performance_report.json. */
function writeRun(dir: string, rounds: number, tweak?: (r: Report) => void): string {
  for (let r = 1; r <= rounds; r++) {
    const roundDir = join(dir, `round-${r}`)
    mkdirSync(roundDir, { recursive: true })
    for (const c of ['bun', 'go']) writeFileSync(reportPath(roundDir, c), JSON.stringify(makeReport(c, r, tweak)))
  }
  return dir
}

const slower = (factor: number) => (r: Report) => {
  r.cpu.usPerDeliveredMessage *= factor
  r.cpu.coresUsed *= factor
}

const old = writeRun(join(scratch, 'out', 'runs', '20260101-000000000-aaaaaa'), 5)
const same = writeRun(join(scratch, 'same'), 5)
const worse = writeRun(join(scratch, 'worse'), 5, slower(1.3))
const fewer = writeRun(join(scratch, 'three'), 3, slower(1.3))

/** runBench with stdout and stderr captured. */
async function bench(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const log = console.log
  const error = console.error
  console.log = (...a: unknown[]) => void out.push(a.join(' '))
  console.error = (...a: unknown[]) => void err.push(a.join(' '))
  try {
    return { code: await runBench(argv, {}), out: out.join('\n'), err: err.join('\n') }
  } finally {
    console.log = log
    console.error = error
  }
}

describe('bun run bench --compare A B', () => {
  test('prints old → new, the change, its interval and a verdict for each contender and key metric', async () => {
    const r = await bench('--compare', old, worse)
    expect(r.code).toBe(0)
    const row = r.out.split('\n').find((l) => l.startsWith('| bun | CPU: CPU per delivered message |'))!
    expect(row).toBeDefined()
    // bun's CPU/msg over the fixture's 5 rounds: 42 µs × (0.98 … 1.06), and 30 % more in B
    expect(row).toEndWith('| 42.8 µs/msg (41.2–44.5) | 55.7 µs/msg (53.5–57.9) | +30.0 % | +22.6 % … +37.8 % | worse |')
    expect(r.out).toMatch(/\| go \| Throughput: delivered \| .* \| inconclusive \|/)
  })

  test('finds a run by its id under --out', async () => {
    const r = await bench('--compare', '20260101-000000000-aaaaaa', same, '--out', join(scratch, 'out'))
    expect(r.code).toBe(0)
    expect(r.out).toContain(`old A: ${old} (run directory, 5 rounds; bun, go)`)
  })

  test('--fail-on-regression exits 1 for a 30 % worse CPU and names it', async () => {
    const r = await bench('--compare', old, worse, '--fail-on-regression', '10')
    expect(r.code).toBe(1)
    expect(r.out).toContain('REGRESSION: bun CPU: CPU per delivered message got worse by more than 10 %')
    expect(r.out).toContain('REGRESSION: go CPU: cores used got worse by more than 10 %')
  })

  test('--fail-on-regression exits 0 for identical runs, and for a change smaller than PCT', async () => {
    const r = await bench('--compare', old, same, '--fail-on-regression', '10')
    expect(r.code).toBe(0)
    expect(r.out).toContain('no figure got worse by more than 10 % beyond noise')
    expect((await bench('--compare', old, worse, '--fail-on-regression', '40')).code).toBe(0)
  })

  test('3 rounds a side cannot fail a regression check: inconclusive, and says why', async () => {
    const against = await bench(
      '--compare',
      writeRun(join(scratch, 'three-old'), 3),
      fewer,
      '--fail-on-regression',
      '1',
    )
    expect(against.code).toBe(0)
    expect(against.out).toContain(
      '**3 against 3 rounds cannot reach 95 %:** the smallest two-sided p-value they can give is 0.10',
    )
  })

  test.each([
    [['--compare', join(scratch, 'no-such-dir'), join(scratch, 'same')], /--compare ".*no-such-dir": no such run/],
    [['--compare', join(scratch, 'same'), join(scratch, 'out')], /--compare ".*out": .* is not a run/],
    [
      ['--compare', join(scratch, 'same', 'round-1', 'bun_performance_report.json'), join(scratch, 'same')],
      /is not a directory/,
    ],
  ])('a missing run or a directory that holds none exits 2 naming it: %p', async (argv, message) => {
    const r = await bench(...argv)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
  })

  test('a report that is not one exits 2 naming the file and the field', async () => {
    const dir = writeRun(join(scratch, 'broken'), 1)
    writeFileSync(join(dir, 'round-1', 'go_performance_report.json'), JSON.stringify({ contender: 'go' }))
    const r = await bench('--compare', dir, same)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/broken.*go_performance_report\.json is not a valid report/)
  })

  test.each([
    [['--compare', 'a'], /--compare needs two runs, old and new \(--compare A B\), not "a"/],
    [['--compare'], /--compare needs two runs.*not none/],
    [['--fail-on-regression', '10'], /--fail-on-regression needs --compare A B/],
    [['--compare', 'a', 'b', '--fail-on-regression', 'ten'], /--fail-on-regression "ten": must be a percentage/],
    [['stray'], /unexpected argument "stray"/],
  ])('bad options exit 2 naming them: %p', async (argv, message) => {
    const r = await bench(...argv)
    expect(r.code).toBe(2)
    expect(r.err).toMatch(message)
  })
})
