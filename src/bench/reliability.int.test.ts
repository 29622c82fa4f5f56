/**
 * Reliability scenarios (issue 9) for bun, node and go alike: real contender programs, the real
 * feed with its faults switched on, a real broker (stopped and started for scenario 4).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startKafka } from './broker/embedded.ts'
import type { Contender } from '../contract/report.ts'
import { decodedLatencies, summarizedLatencies } from './encoded-histograms.ts'
import { ALONE_AT_ONCE, contendersUnderTest, forEachContender, logCounts, Rig, type ShortRunResult } from './fixture.ts'

const contenders = contendersUnderTest()
let rig: Rig

beforeAll(async () => {
  rig = await Rig.start()
})
afterAll(async () => {
  await rig?.stop()
})

function expectAuditClean(results: ShortRunResult[]) {
  for (const r of results) {
    expect({ contender: r.contender, error: r.error }).toEqual({ contender: r.contender, error: undefined })
    expect({ contender: r.contender, problems: r.audit?.problems }).toEqual({ contender: r.contender, problems: [] })
  }
}

const runAlone = (contender: Contender, env: Record<string, string>) => rig.runAlone(contender, env)

describe('bad configuration, every contender at once', () => {
  test.each([
    [{ TEST_DURATION: 'abc' }, /TEST_DURATION.*abc/],
    [{ TEST_DURATION: '-5' }, /TEST_DURATION.*-5/],
    [{ UPBIT_WS_URL: 'http://127.0.0.1:1/x' }, /UPBIT_WS_URL.*http:\/\/127\.0\.0\.1:1\/x/],
    [{ UPBIT_REST_URL: 'nonsense' }, /UPBIT_REST_URL.*nonsense/],
    [{ KAFKA_PROPERTIES: 'no.such.property=1' }, /no\.such\.property/],
    [{ KAFKA_PROPERTIES: 'linger.ms=soon' }, /linger\.ms.*soon|soon.*linger\.ms/],
  ])('%p is rejected before any connection, naming the field and the value', async (env, message) => {
    const before = rig.feed.stats().connections.total
    await forEachContender(contenders, async (contender) => {
      const run = await runAlone(contender, env)
      expect(run.exitCode).toBe(2)
      expect(run.output).toMatch(message)
      expect(run.report).toBeUndefined()
    })
    expect(rig.feed.stats().connections.total).toBe(before)
  })
})

describe('faults survived', () => {
  test('an unreachable broker is a clear error within a bounded time, and no report, every contender', async () => {
    await forEachContender(
      contenders,
      async (contender) => {
        const run = await runAlone(contender, { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1', STARTUP_TIMEOUT_MS: '3000' })
        expect(run.exitCode).toBe(3)
        expect(run.output).toMatch(/127\.0\.0\.1:1/)
        expect(run.elapsedMs).toBeLessThan(20_000)
        expect(run.report).toBeUndefined()
      },
      { atOnce: ALONE_AT_ONCE },
    )
  })

  test('connection bursts answered with 429: pacing backs off, every contender still subscribes', async () => {
    // 60 markets are 4 connections per contender, all opened at once. A limit of one connection per
    // contender per second refuses three quarters of the first burst whatever the field's size and
    // lets the rest in over three back-offs of the six allowed; a fixed 3/s did not scale: eight
    // contenders' 32 connections needed more retries than six doubling back-offs give
    rig.feed.setFaults({ maxConnectionsPerSec: Math.max(3, contenders.length) })
    try {
      const results = await rig.run({
        contenders,
        marketsLimit: 60,
        durationS: 3,
        env: { CONNECT_INTERVAL_MS: '0', CONNECT_BATCH: '4', RECONNECT_BASE_MS: '500', RECONNECT_MAX_RETRIES: '6' },
      })
      logCounts('429 bursts', results)
      expectAuditClean(results)
      const refused = results.reduce((n, r) => n + r.report!.connections.rateLimited, 0)
      expect(refused).toBeGreaterThan(0)
      expect(rig.feed.stats().connections.refused429).toBeGreaterThan(0)
      for (const r of results) {
        expect(r.report!.status).toBe('complete')
        expect(r.report!.connections.failed).toBe(0)
        expect(r.report!.messages.received).toBeGreaterThan(0)
      }
    } finally {
      rig.feed.setFaults({})
    }
  })

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s mid-window: flush, report marked interrupted, audit consistent with it', async (signal, code) => {
    const results = await rig.run({
      contenders,
      durationS: 30,
      onSpawn: (proc) => {
        proc.waitFor('start').then(
          () => setTimeout(() => proc.signal(signal), 1500),
          () => {},
        )
      },
    })
    logCounts(signal, results)
    expectAuditClean(results)
    for (const r of results) {
      expect(r.exitCode).toBe(code)
      expect(r.report!.status).toBe('interrupted')
      expect(r.report!.timing.measuredDurationMs).toBeLessThan(30_000)
      expect(r.report!.messages.delivered).toBeGreaterThan(0)
      // an interrupted report still carries the (shortened) window's histograms behind its summaries
      expect({ contender: r.contender, latencies: decodedLatencies(r.report!) }).toEqual({
        contender: r.contender,
        latencies: summarizedLatencies(r.report!),
      })
    }
  })

  test('broker stopped and started mid-window: every acknowledged message exactly once', async () => {
    const broker = await startKafka()
    const own = await Rig.withBroker(broker.bootstrap, rig.feed)
    // kept, not fired and forgotten: a restart still waiting for the broker when the test ends
    // would be stopped under it and fail whichever test runs next
    let restarted: Promise<void> | undefined
    try {
      const results = await own.run({
        contenders,
        durationS: 8,
        // the restarted JVM can take longer than the window's rest plus the default 10-s flush on
        // a loaded machine (two test files at once): every contender then gave up with hundreds in
        // flight, one of them written but unacknowledged, and the audit rightly failed. The claim
        // here is about the restart, not the deadline, so the flush may wait for the broker.
        env: { FLUSH_TIMEOUT_MS: '60000' },
        onSpawn: (proc) => {
          if (proc.contender !== contenders[0]) return
          proc.waitFor('start').then(
            () => setTimeout(() => (restarted = broker.restart(2000)), 2000),
            () => {},
          )
        },
      })
      await restarted
      logCounts('broker restarted', results)
      expectAuditClean(results)
      for (const r of results) {
        const m = r.report!.messages
        expect(m.delivered + m.failed + m.inFlightAtEnd).toBe(m.received)
        expect(r.audit!.duplicateSeqs).toBe(0)
      }
    } finally {
      await restarted?.catch(() => {})
      await broker.stop()
    }
  }, 180_000)
})
