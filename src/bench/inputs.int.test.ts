/**
 * One table of bad inputs and hostile peers, run against every contender (issue 19): each must
 * refuse the input the same way (exit 2 naming the field and the value, before any connection),
 * or, for what only shows at run time, end with an honest status and a non-zero exit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Contender } from '../contract/report.ts'
import { EXIT } from '../contract/rules.ts'
import { bundledMarkets } from '../feed/markets.ts'
import { contendersUnderTest, Rig } from './fixture.ts'

const contenders = contendersUnderTest()
let rig: Rig
const scratch = mkdtempSync(join(tmpdir(), 'ukb-inputs-'))

beforeAll(async () => {
  rig = await Rig.start()
})
afterAll(async () => {
  await rig?.stop()
})

function settingsFile(name: string, text: string): string {
  const path = join(scratch, name)
  writeFileSync(path, text)
  return path
}

const runAlone = (contender: Contender, env: Record<string, string>, start?: string) =>
  rig.runAlone(contender, env, start)

const BAD_CONFIG: [string, Record<string, string>, RegExp][] = [
  ['timer overflow', { PING_INTERVAL_MS: '3e9' }, /PING_INTERVAL_MS.*3e9.*must be an integer/],
  [
    'timer far out of range',
    { PING_INTERVAL_MS: '3000000000' },
    /PING_INTERVAL_MS.*3000000000.*must be between 1000 and 110000/,
  ],
  [
    'start-up deadline out of range',
    { STARTUP_TIMEOUT_MS: '99999999999' },
    /STARTUP_TIMEOUT_MS.*99999999999.*must be between/,
  ],
  ['port past 65535', { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:99999' }, /KAFKA_BOOTSTRAP_SERVERS.*127\.0\.0\.1:99999/],
  ['a nanosecond window', { TEST_DURATION: '1e-9' }, /TEST_DURATION.*1e-9.*must be an integer/],
  ['hex', { TEST_DURATION: '0x10' }, /TEST_DURATION.*0x10.*must be an integer/],
  ['digit separators', { MARKETS_LIMIT: '1_0' }, /MARKETS_LIMIT.*1_0.*must be an integer/],
  ['fractional seconds', { TEST_DURATION: '1.5' }, /TEST_DURATION.*1\.5.*must be an integer/],
  ['unknown enum', { WS_COMPRESSION: 'maybe' }, /WS_COMPRESSION.*maybe/],
  ['unwritable report dir', { REPORT_DIR: '/proc/ukb-no-such-dir' }, /REPORT_DIR.*\/proc\/ukb-no-such-dir/],
  [
    'settings file holding null',
    { PRODUCER_SETTINGS: settingsFile('null.json', 'null') },
    /PRODUCER_SETTINGS.*null\.json/,
  ],
  [
    'settings with trailing garbage',
    { PRODUCER_SETTINGS: settingsFile('trailing.json', '{"acks":"all"} x') },
    /PRODUCER_SETTINGS.*trailing\.json/,
  ],
  [
    'settings with a number value',
    { PRODUCER_SETTINGS: settingsFile('number.json', '{"linger.ms":10}') },
    /PRODUCER_SETTINGS.*number\.json/,
  ],
]

describe.each(contenders)('%s: the shared table of bad inputs', (contender) => {
  test.each(BAD_CONFIG)('%s: exit 2 naming the field and the value, before any connection', async (_, env, message) => {
    const before = rig.feed.stats().connections.total
    const run = await runAlone(contender, env)
    expect({ exit: run.exitCode, output: run.output }).toMatchObject({ exit: EXIT.config })
    expect(run.output).toMatch(message)
    expect(run.report).toBeUndefined()
    expect(rig.feed.stats().connections.total).toBe(before)
  })
})

describe.each(contenders)('%s: what only shows at run time ends with an honest status', (contender) => {
  test('a START far in the future is refused at once (no busy wait): failed, bad-start, exit 6', async () => {
    const run = await runAlone(contender, {}, '9999999999999')
    expect(run.exitCode).toBe(EXIT.failed)
    expect(run.report?.status).toBe('failed')
    expect(run.report?.statusReasons.map((r) => r.code)).toEqual(['bad-start'])
    expect(run.elapsedMs).toBeLessThan(30_000)
  })

  test('every WebSocket connection refused: 0 messages is failed, exit 6, never complete', async () => {
    const run = await runAlone(contender, {
      UPBIT_WS_URL: 'ws://127.0.0.1:1/websocket/v1',
      RECONNECT_BASE_MS: '100',
      RECONNECT_MAX_RETRIES: '1',
    })
    expect(run.exitCode).toBe(EXIT.failed)
    expect(run.report?.status).toBe('failed')
    expect(run.report?.statusReasons.map((r) => r.code)).toContain('no-messages')
  })

  test('a connection that drops right after every open uses up its retries (flaps do not reset them)', async () => {
    // long enough after the open that every runtime has seen it open (a flap, not a refusal)
    rig.feed.setFaults({ dropAfterMs: 500 })
    try {
      const run = await runAlone(contender, { RECONNECT_BASE_MS: '50', RECONNECT_MAX_RETRIES: '2', TEST_DURATION: '4' })
      expect(run.report).toBeDefined()
      expect(run.report!.connections.flaps).toBeGreaterThan(0)
      expect(run.report!.connections.failed).toBe(run.report!.connections.planned)
      expect(run.report!.status).not.toBe('complete')
      expect(run.exitCode).not.toBe(EXIT.complete)
    } finally {
      rig.feed.setFaults({})
    }
  })
})

describe('the market list', () => {
  let rest: ReturnType<typeof Bun.serve>
  beforeAll(() => {
    const markets = bundledMarkets().slice(0, 4)
    rest = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch(request) {
        const path = new URL(request.url).pathname
        // duplicates of every market: a contender must keep each once
        if (path.startsWith('/dup/')) return Response.json([...markets, ...markets])
        // a body larger than the 8 MiB cap
        if (path.startsWith('/huge/'))
          return new Response(`[${'{"market":"KRW-BTC"},'.repeat(500_000)}{"market":"KRW-ETH"}]`)
        return new Response('not found', { status: 404 })
      },
    })
  })
  afterAll(() => rest?.stop(true))

  test.each(contenders)(
    '%s: duplicates are dropped; a list past the cap is refused naming the URL',
    async (contender) => {
      const dup = await runAlone(contender, { UPBIT_REST_URL: `http://127.0.0.1:${rest.port}/dup` })
      expect(dup.report?.markets.count).toBe(4)
      const huge = await runAlone(contender, { UPBIT_REST_URL: `http://127.0.0.1:${rest.port}/huge` })
      expect(huge.exitCode).toBe(EXIT.markets)
      expect(huge.output).toContain(`127.0.0.1:${rest.port}/huge`)
      expect(huge.report).toBeUndefined()
    },
  )
})
