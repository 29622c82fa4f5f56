/**
 * Warm-up (issue 13), bun and node: between ready and the START the contender produces with
 * header `phase: warmup`, then `phase: window`; `seq` runs on without a gap; the topic holds
 * exactly the report's warmup.delivered and messages.delivered of each.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { logRun, runEach } from './program.fixture.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let feed: Feed
beforeAll(async () => {
  kafka = await useKafka()
  feed = await startFeed({ port: 0, rate: 500, seed: 7 })
})
afterAll(async () => {
  await feed?.stop()
  await kafka?.stop()
})

test('warm-up messages are marked, counted apart, and continue into the window without a seq gap', async () => {
  const runs = await runEach({
    bootstrap: kafka.bootstrap,
    restUrl: feed.httpUrl,
    wsUrl: feed.wsUrl,
    startAfterMs: 1500,
  })
  for (const run of runs) {
    logRun('warm-up', run)
    expect({ contender: run.contender, exit: run.exitCode, status: run.report?.status }).toEqual({
      contender: run.contender,
      exit: 0,
      status: 'complete',
    })
    const report = run.report!
    const byPhase = { warmup: [] as number[], window: [] as number[] }
    for (const m of run.messages) {
      expect(m.headers.contender).toBe(run.contender)
      byPhase[m.headers.phase as 'warmup' | 'window'].push(Number(m.headers.seq))
    }
    expect(report.warmup.delivered).toBeGreaterThan(0)
    expect(byPhase.warmup.length).toBe(report.warmup.delivered)
    expect(byPhase.window.length).toBe(report.messages.delivered)
    expect(byPhase.warmup.length + byPhase.window.length).toBe(run.messages.length)
    // one sequence over both phases, warm-up first
    const all = [...byPhase.warmup, ...byPhase.window].sort((a, b) => a - b)
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1))
    expect(Math.max(...byPhase.warmup)).toBeLessThan(Math.min(...byPhase.window))
    // the window's figures hold window messages only
    expect(report.latency.pipeline.count).toBe(report.messages.delivered)
    expect(report.warmup).toMatchObject({ targetS: 10, produced: report.warmup.delivered, failed: 0 })
    expect(report.warmup.durationMs).toBeGreaterThanOrEqual(1000)
    const events = run.events.map((e) => e.event)
    expect(events.slice(0, 3)).toEqual(['ready', 'warmup', 'start'])
    expect(events.slice(-2)).toEqual(['end', 'report'])
    expect(run.events.at(-1)).toMatchObject({ event: 'report', status: 'complete' })
  }
})
