/**
 * Frames the feed mangles (its malformed fault rotates not-JSON, truncated, wrong types and a
 * 200 KiB unterminated frame), bun and node, with MAX_FRAME_BYTES far below 200 KiB: the big one
 * is `too-large` (checked before anything else), sampled by its head only, never produced; every
 * value in the topic is a frame the feed sent as valid.
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

test('a frame over MAX_FRAME_BYTES is counted too-large and sampled, never produced', async () => {
  const runs = await runEach({
    bootstrap: kafka.bootstrap,
    restUrl: feed.httpUrl,
    wsUrl: feed.wsUrl,
    env: { MAX_FRAME_BYTES: '4096' },
  })
  for (const run of runs) {
    logRun('too-large', run)
    expect({ contender: run.contender, exit: run.exitCode }).toEqual({ contender: run.contender, exit: 0 })
    const m = run.report!.messages
    const tooLarge = m.invalidSamples.filter((s) => s.reason === 'too-large')
    expect(tooLarge.length).toBeGreaterThan(0)
    for (const s of tooLarge) {
      expect(s.bytes).toBeGreaterThan(200 * 1024)
      expect(s.frame.length).toBeLessThanOrEqual(200)
    }
    expect(new Set(m.invalidSamples.map((s) => s.reason))).toContain('not-json')
    expect(m.delivered).toBe(m.received - m.invalid)
    for (const message of run.messages) expect(feed.wasSent(message.value)).toBe(true)
    expect(run.messages.every((message) => message.value.length <= 4096)).toBe(true)
  }
})
