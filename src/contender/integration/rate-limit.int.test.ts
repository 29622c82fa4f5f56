/**
 * Refused upgrades (HTTP 429, the feed's --max-connections-per-sec fault), bun and node: every
 * 429 the feed sends is counted in `rateLimited` on both runtimes (Node's undici does not say
 * 429 in its error; the contender reads the status itself), and a run whose every connection
 * is refused ends `failed`, exit 6.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
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
  test('every 429 is counted, and paced retries still subscribe every connection', async () => {
    feed.setFaults({ maxConnectionsPerSec: 1 })
    feed.resetCounts()
    try {
      const run = await runProgram(contender, {
        bootstrap: kafka.bootstrap,
        restUrl: feed.httpUrl,
        wsUrl: feed.wsUrl,
        env: { MARKETS_LIMIT: '45', CONNECT_BATCH: '3', CONNECT_INTERVAL_MS: '0', RECONNECT_MAX_RETRIES: '10' },
      })
      logRun('429 bursts', run)
      const refused = feed.stats().connections.refused429
      expect(refused).toBeGreaterThan(0)
      expect(run.report!.connections).toMatchObject({ rateLimited: refused, failed: 0, opened: 3 })
      expect({ exit: run.exitCode, status: run.report!.status }).toEqual({ exit: 0, status: 'complete' })
    } finally {
      feed.setFaults({})
    }
  })

  test('every connection refused: nothing received, status failed, exit 6', async () => {
    feed.setFaults({ maxConnectionsPerSec: 0 })
    feed.resetCounts()
    try {
      const run = await runProgram(contender, {
        bootstrap: kafka.bootstrap,
        restUrl: feed.httpUrl,
        wsUrl: feed.wsUrl,
        env: { MARKETS_LIMIT: '15', RECONNECT_MAX_RETRIES: '1' },
      })
      logRun('all refused', run)
      expect(run.exitCode).toBe(6)
      expect(run.report!.status).toBe('failed')
      expect(run.report!.statusReasons.map((r) => r.code)).toEqual([
        'no-messages',
        'none-delivered',
        'all-connections-down',
        'connections-given-up',
      ])
      expect(run.report!.connections).toMatchObject({ rateLimited: 2, failed: 1, opened: 0 })
      // never a connection open: the whole window is one all-down stretch
      expect(run.report!.connections.longestAllDownMs).toBe(Math.round(run.report!.timing.measuredDurationMs))
      expect(feed.stats().connections.refused429).toBe(2)
      expect(run.events.find((e) => e.event === 'ready')).toMatchObject({ connections: 0 })
      expect(run.messages).toEqual([])
    } finally {
      feed.setFaults({})
    }
  })
})
