/**
 * The broker stopped for good a second into the window, bun and node (issue: such a run used to
 * report `complete` with most of its window undelivered): the run ends `failed` with
 * `undelivered`, exit 6, after the flush deadline.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { startKafka, type KafkaBroker } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { logRun, runEach } from './program.fixture.ts'

let broker: KafkaBroker
let feed: Feed
beforeAll(async () => {
  // a broker of its own: this test kills it
  broker = await startKafka()
  feed = await startFeed({ port: 0, rate: 500, seed: 7 })
})
afterAll(async () => {
  await feed?.stop()
  await broker?.stop()
})

test('a broker lost mid-window fails the run', async () => {
  let killing: Promise<void> | undefined
  const runs = await runEach({
    bootstrap: broker.bootstrap,
    restUrl: feed.httpUrl,
    wsUrl: feed.wsUrl,
    readBack: false,
    env: { TEST_DURATION: '3', FLUSH_TIMEOUT_MS: '1000' },
    onEvent: (event) => {
      if (event.event === 'start') setTimeout(() => (killing ??= broker.kill()), 1000)
    },
  })
  await killing
  for (const run of runs) {
    logRun('broker lost', run)
    expect({ contender: run.contender, exit: run.exitCode, status: run.report?.status }).toEqual({
      contender: run.contender,
      exit: 6,
      status: 'failed',
    })
    expect(run.report!.statusReasons.map((r) => r.code)).toContain('undelivered')
    const m = run.report!.messages
    expect(m.delivered).toBeLessThan(m.received - m.invalid)
  }
})
