/**
 * Frames the feed mangles (its malformed fault rotates not-JSON, truncated, wrong types and a
 * 200 KiB unterminated frame), bun and node: each is counted invalid and sampled, never produced;
 * every value in the topic is a frame the feed sent as valid. (A frame over MAX_FRAME_BYTES fails
 * its connection: src/bench/inputs.int.test.ts, issue 25.)
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { logRun, runEach } from './program.fixture.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let feed: Feed
beforeAll(async () => {
  kafka = await useKafka()
  feed = await startFeed({ port: 0, rate: 500, seed: 7, faults: { malformedEvery: 4 } })
})
afterAll(async () => {
  await feed?.stop()
  await kafka?.stop()
})

test('a malformed frame is counted invalid and sampled, never produced', async () => {
  const runs = await runEach({ bootstrap: kafka.bootstrap, restUrl: feed.httpUrl, wsUrl: feed.wsUrl, env: {} })
  for (const run of runs) {
    logRun('malformed', run)
    expect({ contender: run.contender, exit: run.exitCode }).toEqual({ contender: run.contender, exit: 0 })
    const m = run.report!.messages
    expect(new Set(m.invalidSamples.map((s) => s.reason))).toContain('not-json')
    expect(m.delivered).toBe(m.received - m.invalid)
    for (const message of run.messages) expect(feed.wasSent(message.value)).toBe(true)
  }
})
