/**
 * A flood on one connection (issue 25, item 5): the feed offers one connection far more than any
 * contender can read, so its socket never runs dry. A contender that cannot keep up must still
 * open and close its window on time, keep its metrics lines coming, write its report, and honour
 * SIGTERM promptly with a report marked interrupted. Figures are logged, never asserted as speeds.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { STATUS } from '../contract/rules.ts'
import type { Report } from '../contract/report.ts'
import { bundledMarkets } from '../feed/markets.ts'
import { contendersUnderTest, logCounts, Rig, type ShortRunResult } from './fixture.ts'

/** one connection's worth of markets, every one of them busy */
const MARKETS = 15
/** far above what any contender reads on one connection here (python ~20,000 msg/s, go ~90,000) */
const FLOOD_RATE = 300_000
const WINDOW_S = 6
/** the metrics line's period (docs/contenders.md, behaviour 11) */
const METRICS_PERIOD_MS = 5000
const SIGNAL_AFTER_MS = 1500
/** SIGTERM → exit: closing the sockets (bounded by each client's close timeout) and the flush below */
const FLUSH_TIMEOUT_MS = 2000
const EXIT_AFTER_SIGNAL_MS = 8000
const late = STATUS.degradeAccuracyMs

let rig: Rig

beforeAll(async () => {
  rig = await Rig.start({
    rate: FLOOD_RATE,
    profile: 'uniform',
    markets: bundledMarkets().slice(0, MARKETS),
    // nothing is audited here: the test is about time, and remembering every frame costs the feed
    trackSent: false,
  })
})
afterAll(async () => {
  await rig?.stop()
})

const floodEnv = {
  MARKETS_LIMIT: String(MARKETS),
  MARKETS_PER_CONNECTION: String(MARKETS),
  FLUSH_TIMEOUT_MS: String(FLUSH_TIMEOUT_MS),
}

function expectReport(r: ShortRunResult): Report {
  expect({ contender: r.contender, error: r.error }).toEqual({ contender: r.contender, error: undefined })
  expect(r.report!.connections.planned).toBe(1)
  return r.report!
}

describe.each(contendersUnderTest())('%s flooded on one connection', (contender) => {
  test('the window opens and closes on time, metrics lines keep coming, the report is written', async () => {
    const [r] = await rig.run({ contenders: [contender], durationS: WINDOW_S, env: floodEnv, audit: false })
    logCounts('flood', [r!])
    const report = expectReport(r!)
    const t = report.timing
    console.log(
      `[flood] ${contender}: start lag ${t.startLagMs} ms, accuracy ${t.accuracyMs} ms, intervals at ${report.intervals.map((i) => i.offsetMs).join(', ')} ms`,
    )
    expect(Math.abs(t.startLagMs)).toBeLessThanOrEqual(late)
    expect(Math.abs(t.accuracyMs)).toBeLessThanOrEqual(late)
    expect(report.statusReasons.map((reason) => reason.code)).not.toContain('short-window')
    // one line per period inside the window, each on time, then the closing one
    const periodic = report.intervals.slice(0, -1).map((i) => i.offsetMs)
    expect(periodic.length).toBe(Math.ceil(WINDOW_S / (METRICS_PERIOD_MS / 1000)) - 1)
    periodic.forEach((offsetMs, k) =>
      expect(Math.abs(offsetMs - (k + 1) * METRICS_PERIOD_MS)).toBeLessThanOrEqual(late),
    )
    expect(report.messages.received).toBeGreaterThan(0)
  }, 120_000)

  test('SIGTERM mid-window: the window closes at once, a report marked interrupted, exit 143 in bounded time', async () => {
    let signalledAt = 0
    let exitedAt = 0
    const [r] = await rig.run({
      contenders: [contender],
      durationS: 30,
      env: floodEnv,
      audit: false,
      onSpawn: (proc) => {
        proc.waitFor('start').then(
          () =>
            setTimeout(() => {
              signalledAt = Date.now()
              proc.signal('SIGTERM')
              // a contender that does not honour it is killed, so the test ends (and fails: no report)
              setTimeout(() => proc.signal('SIGKILL'), EXIT_AFTER_SIGNAL_MS + 5000).unref()
            }, SIGNAL_AFTER_MS),
          () => {},
        )
        void proc.exited.then(() => (exitedAt = Date.now()))
      },
    })
    logCounts('flood + SIGTERM', [r!])
    const report = expectReport(r!)
    console.log(
      `[flood] ${contender}: window closed ${report.timing.endMs - signalledAt} ms after SIGTERM, exit after ${exitedAt - signalledAt} ms`,
    )
    expect(signalledAt).toBeGreaterThan(0)
    expect(r!.exitCode).toBe(143)
    expect(report.status).toBe('interrupted')
    expect(report.timing.endMs - signalledAt).toBeLessThanOrEqual(late)
    expect(exitedAt - signalledAt).toBeLessThanOrEqual(EXIT_AFTER_SIGNAL_MS)
  }, 120_000)
})
