/**
 * `bun run bench` itself, end to end and for real: the bench script starts (or reuses) the broker
 * and the local feed, races the real contender programs, audits their topics and writes the
 * comparison, its CSV and the chart. Short windows and a few markets keep it bounded; figures are not
 * asserted, only that the outputs exist, are valid, and that the audit is clean — or fails loudly
 * when a contender is killed.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Report, reportPath } from '../contract/report.ts'
import { ROOT } from '../paths.ts'
import { contendersUnderTest } from './fixture.ts'

const contenders = contendersUnderTest()
/**
 * The serial modes (isolated, the ladder) and a killed contender are the harness's behaviour: two
 * contenders prove it, so the bench tier's time does not grow with the field. Each contender's own
 * behaviour is the conformance suite's; the concurrent race below still runs every one.
 */
const pair = contenders.slice(0, 2)

async function bench(args: string[], field: string[] = contenders) {
  const out = mkdtempSync(join(tmpdir(), 'ukb-bench-'))
  const proc = Bun.spawn(
    [
      'bun',
      'scripts/bench.ts',
      '--out',
      out,
      '--charts',
      join(out, 'charts'),
      '--contenders',
      field.join(','),
      '--markets-limit',
      '45',
      '--connect-interval-ms',
      '100',
      '--rate',
      '300',
      '--warmup',
      '1',
      ...args,
    ],
    {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
      // the bench's own behaviour, whatever this machine's conformance records say (src/conformance/gate.ts is unit-tested)
      env: { ...process.env, CONFORMANCE_RECORDS_DIR: join(out, 'conformance') },
    },
  )
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { out, code, output: stdout + stderr }
}

function expectComparison(out: string, field: string[] = contenders) {
  const md = readFileSync(join(out, 'performance_comparison_report.md'), 'utf8')
  for (const c of field) expect(md).toContain(c)
  expect(md).toMatch(/librdkafka/)
  const png = readFileSync(join(out, 'charts', 'performance_comparison.png'))
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(statSync(join(out, 'charts', 'performance_comparison.png')).size).toBeGreaterThan(10_000)
  // the HTML report beside it (drawn in a browser by src/comparison/html.test.ts)
  const html = readFileSync(join(out, 'performance_comparison_report.html'), 'utf8')
  expect(html).toStartWith('<!doctype html>')
  for (const c of field) expect(html).toContain(`<th>${c}</th>`)
  return md
}

describe('bun run bench', () => {
  test('concurrent: all contenders race, every audit is clean, markdown and PNG are written', async () => {
    const run = await bench(['--duration', '5', '--mode', 'concurrent', '--rounds', '1'])
    expect({ code: run.code, tail: run.code === 0 ? '' : run.output.slice(-3000) }).toEqual({ code: 0, tail: '' })
    for (const c of contenders) expect(run.output).toMatch(new RegExp(`audit ${c}\\s+OK`))
    const md = expectComparison(run.out)
    expect(md).toContain('concurrent')
    expect(md).toContain('## Headline')
    // the tidy CSV: one row per contender × round × metric, its values the reports' own
    const csv = readFileSync(join(run.out, 'performance_comparison.csv'), 'utf8').trimEnd().split('\r\n')
    expect(csv[0]).toBe('contender,round,metric,unit,value')
    for (const c of contenders) {
      const report = Report.parse(JSON.parse(readFileSync(reportPath(run.out, c), 'utf8')))
      expect(csv).toContain(`${c},1,latency.exchange_to_ack_p99,us,${report.latency.exchangeToAck.p99Us}`)
      expect(csv).toContain(`${c},1,totals.delivered,count,${report.messages.delivered}`)
      // over all samples (one round: its histogram), and the raw histograms a user can load
      expect(csv.some((l) => l.startsWith(`${c},pooled,latency.exchange_to_ack_p99,us,`))).toBe(true)
      for (const metric of ['processing', 'kafkaAck', 'pipeline', 'exchangeToAck'])
        expect(readFileSync(join(run.out, 'histograms', `${c}-r1-${metric}.hgrm`), 'utf8')).toContain('Total count')
    }
    expect(md).toContain('## Latency over all samples (rounds pooled)')
    expect(md).toContain('(charts/latency_percentiles.png)')
    expect(statSync(join(run.out, 'charts', 'latency_percentiles.png')).size).toBeGreaterThan(10_000)
    // provenance: in the comparison's input and in the run's history
    const { provenance } = JSON.parse(readFileSync(join(run.out, 'performance_comparison_input.json'), 'utf8'))
    expect(provenance.commit).toMatch(/^([0-9a-f]{40}|unknown)$/)
    expect(provenance.commandLine).toStartWith('bun run bench --out ')
    expect(provenance.contenders.map((e: { name: string }) => e.name).sort()).toEqual([...contenders].sort())
    const [runId] = readdirSync(join(run.out, 'runs'))
    expect(JSON.parse(readFileSync(join(run.out, 'runs', runId!, 'provenance.json'), 'utf8'))).toEqual(provenance)
    // the latest reports are also where the original project put them, and they are valid
    for (const c of contenders) {
      const report = Report.parse(JSON.parse(readFileSync(reportPath(run.out, c), 'utf8')))
      expect([report.contender, report.status]).toEqual([c, 'complete'])
      expect(report.warmup.delivered).toBeGreaterThan(0)
    }
  }, 240_000)

  test('isolated over two rounds: one at a time, figures as median (min–max)', async () => {
    const run = await bench(['--duration', '2', '--mode', 'isolated', '--rounds', '2'], pair)
    expect({ code: run.code, tail: run.code === 0 ? '' : run.output.slice(-3000) }).toEqual({ code: 0, tail: '' })
    expect(run.output.match(/audit [\w-]+\s+OK/g)?.length).toBe(pair.length * 2)
    const md = expectComparison(run.out, pair)
    expect(md).toContain('isolated')
  }, 300_000)

  test('a contender killed mid-window makes the bench fail with a clear audit message', async () => {
    // the harness's audit of a race, not a contender's behaviour: a pair races, one is killed
    const victim = pair[0]!
    const run = await bench(['--duration', '6', '--rounds', '1', '--fault-kill', victim], pair)
    expect(run.code).toBe(1)
    expect(run.output).toMatch(new RegExp(`FAILED: audit ${victim} .*wrote no report`))
  }, 240_000)

  test('a short ladder yields a ladder section, the limit rows and the ladder chart', async () => {
    const run = await bench(
      [
        '--ladder',
        '--rounds',
        '1',
        '--ladder-rates',
        '300',
        // every contender holds 300 msg/s; without this each would climb through four doublings
        '--ladder-doublings',
        '0',
        '--step-duration',
        '2',
        '--limits',
        'on',
      ],
      pair,
    )
    expect({ code: run.code, tail: run.code === 0 ? '' : run.output.slice(-3000) }).toEqual({ code: 0, tail: '' })
    const md = expectComparison(run.out, pair)
    expect(md).toMatch(/ladder/i)
    expect(md).toMatch(/librdkafka alone/i)
    expect(md).toMatch(/ProducerPerformance/)
    expect(md).toMatch(/plain WebSocket reader/i)
    expect(existsSync(join(run.out, 'charts', 'ladder.png'))).toBe(true)
  }, 400_000)

  test('bad options are refused naming the flag and the value, before anything starts', async () => {
    for (const [args, message] of [
      [['--duration', 'abc'], /--duration "abc": must be an integer/],
      [['--rate', '1e12'], /--rate "1e12"/],
      [['--contenders', 'bun,bun'], /each contender at most once/],
    ] as const) {
      const run = await bench([...args])
      expect({ args, code: run.code }).toEqual({ args, code: 2 })
      expect(run.output).toMatch(message)
      expect(run.output).not.toMatch(/^\s+at /m)
    }
  })
})
