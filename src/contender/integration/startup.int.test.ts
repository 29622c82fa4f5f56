/**
 * Before and around the window, every TypeScript contender: an unwritable REPORT_DIR is a config error
 * (exit 2) before any connection or message; a START outside the horizon ends the run `failed`
 * with `bad-start` (exit 6) at once, instead of waiting (or spinning) for it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { NODE_VERSION } from '../../registry/node-runtime.ts'
import { entryOf } from '../../registry/registry.ts'
import { logRun, runProgram, TS_CONTENDERS } from './program.fixture.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let feed: Feed
beforeAll(async () => {
  kafka = await useKafka()
  feed = await startFeed({ port: 0, rate: 300, seed: 7 })
})
afterAll(async () => {
  await feed?.stop()
  await kafka?.stop()
})

describe.each(TS_CONTENDERS)('%s', (contender) => {
  test('REPORT_DIR that cannot be written: exit 2 naming it, no connection, nothing produced', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ukb-')), 'a-file')
    writeFileSync(file, '')
    const reportDir = join(file, 'reports')
    const before = feed.stats().connections.total
    const run = await runProgram(contender, {
      bootstrap: kafka.bootstrap,
      restUrl: feed.httpUrl,
      wsUrl: feed.wsUrl,
      env: { REPORT_DIR: reportDir },
    })
    expect(run.exitCode).toBe(2)
    expect(run.output).toContain(
      `REPORT_DIR (--report-dir) = ${JSON.stringify(reportDir)}: cannot be created (ENOTDIR)`,
    )
    expect(feed.stats().connections.total).toBe(before)
    expect(run.messages).toEqual([])
    expect(run.events).toEqual([])
  })

  test('a START an hour and more ahead is refused: failed, bad-start, exit 6, promptly', async () => {
    const run = await runProgram(contender, {
      bootstrap: kafka.bootstrap,
      restUrl: feed.httpUrl,
      wsUrl: feed.wsUrl,
      startAt: () => 9_999_999_999_999,
    })
    logRun('bad start', run)
    expect(run.exitCode).toBe(6)
    expect(run.report!.status).toBe('failed')
    expect(run.report!.statusReasons.map((r) => r.code)).toEqual(['bad-start'])
    expect(run.report!.timing.startMs).toBe(9_999_999_999_999)
    expect(run.events.map((e) => e.event)).toEqual(['ready', 'error', 'report'])
    // the report names the runtime it ran on, as the registry's probe of that runtime reads it
    const { runtime } = entryOf(contender)
    const probe = Bun.spawnSync(runtime.version.command, { stdout: 'pipe', stderr: 'pipe' }).stdout.toString()
    expect(run.report!.runtime).toMatchObject({ name: runtime.name, version: runtime.version.pattern.exec(probe)?.[1] })
    // for node and node-tuned, the pinned LTS Node set-up installed
    if (runtime.name === 'node') expect(run.report!.runtime.version).toBe(NODE_VERSION)
  })
})
