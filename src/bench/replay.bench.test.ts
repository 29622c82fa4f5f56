/**
 * `bun run bench --source replay:FILE` end to end: a short recording, made here with the feed's own
 * `--record` from a generated feed (no internet needed), raced by two real contenders against the
 * real broker; every audit must be clean, and every value read back must be one of the recording's
 * frames with only its timestamp (and a snapshot's stream_type) rewritten.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Report, reportPath } from '../contract/report.ts'
import { bundledMarkets } from '../feed/markets.ts'
import { loadRecording } from '../feed/replay.ts'
import { startFeed } from '../feed/server.ts'
import { ROOT } from '../paths.ts'
import { contendersUnderTest } from './fixture.ts'

const pair = contendersUnderTest().slice(0, 2)

/** Records `seconds` of a generated feed of `markets` markets with `bun run feed --record --record-from`. */
async function makeRecording(file: string, markets: number, seconds: number): Promise<void> {
  const krw = bundledMarkets()
    .filter((m) => m.market.startsWith('KRW-'))
    .slice(0, markets)
  const source = await startFeed({ port: 0, rate: 400, seed: 11, markets: krw, wsCompression: false })
  try {
    const proc = Bun.spawn(
      [
        'bun',
        'scripts/feed.ts',
        '--record',
        file,
        '--record-seconds',
        String(seconds),
        '--record-from',
        source.httpUrl,
      ],
      { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' },
    )
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ])
    expect({ code, err }).toEqual({ code: 0, err: '' })
    expect(out).toMatch(new RegExp(`record: [1-9][0-9]* frames over ${markets} markets`))
  } finally {
    await source.stop()
  }
}

/** As if recorded `ms` earlier: every frame's timestamps moved back (the market list line kept). */
function ageRecording(file: string, ms: number): void {
  const older = (frame: string) =>
    frame.replace(
      /"(trade_)?timestamp":([0-9]+)/g,
      (_, trade = '', ts: string) => `"${trade}timestamp":${Number(ts) - ms}`,
    )
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
  const aged = lines.map((line) => {
    const entry = JSON.parse(line) as { frame?: string }
    return entry.frame === undefined ? line : JSON.stringify({ ...entry, frame: older(entry.frame) })
  })
  writeFileSync(file, `${aged.join('\n')}\n`)
}

test('a recording races: every contender on it, every audit clean, values the recording’s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ukb-replay-bench-'))
  const file = join(dir, 'ticks.jsonl')
  await makeRecording(file, 20, 3)
  ageRecording(file, 3_600_000)
  const recording = loadRecording(file)
  expect(recording.markets?.length).toBe(20)

  const out = join(dir, 'reports')
  const proc = Bun.spawn(
    [
      'bun',
      'scripts/bench.ts',
      '--source',
      `replay:${file}`,
      '--out',
      out,
      '--charts',
      join(out, 'charts'),
      '--contenders',
      pair.join(','),
      '--connect-interval-ms',
      '100',
      '--warmup',
      '1',
      '--duration',
      '5',
      '--rounds',
      '1',
      '--floor',
      'off',
    ],
    {
      cwd: ROOT,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { ...process.env, CONFORMANCE_RECORDS_DIR: join(dir, 'conformance') },
    },
  )
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  const output = stdout + stderr
  expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' })
  expect(output).toContain(`feed ws://127.0.0.1:`)
  expect(output).toContain(`at ${file} (${recording.frames.length} frames`)
  for (const c of pair) {
    // unknown=0: the values were checked against the frames the feed sent (-1 would be unchecked)
    expect(output).toMatch(new RegExp(`audit ${c}\\s+OK .* unknown=0`))
    const report = Report.parse(JSON.parse(readFileSync(reportPath(out, c), 'utf8')))
    expect([report.contender, report.status]).toEqual([c, 'complete'])
    // the recorded market list, not the bundled 536
    expect(report.markets.count).toBe(20)
    expect(report.messages.delivered).toBeGreaterThan(0)
    // each timestamp was the intended send time: the recording's (an hour old) would read an hour
    expect(report.latency.exchangeToAck.count).toBeGreaterThan(0)
    expect(report.latency.exchangeToAck.maxUs).toBeLessThan(60_000_000)
  }
  const md = readFileSync(join(out, 'performance_comparison_report.md'), 'utf8')
  expect(md).toContain('replay of ticks.jsonl')
}, 300_000)
