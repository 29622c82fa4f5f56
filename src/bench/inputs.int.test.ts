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
import { EXIT, SETTINGS_FILE, STDIN } from '../contract/rules.ts'
import { bundledMarkets } from '../feed/markets.ts'
import { entryOf } from '../registry/registry.ts'
import { ALONE_AT_ONCE, contendersUnderTest, forEachContender, Rig } from './fixture.ts'
import { rssBytes, startHostilePeer, type Attack } from './hostile-ws.fixture.ts'

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

const runAlone = (contender: Contender, env: Record<string, string>, start?: string | { stdin: string }) =>
  rig.runAlone(contender, env, start)

/** a FIFO nobody writes to: opening it for reading blocks until a writer comes */
function fifo(name: string): string {
  const path = join(scratch, name)
  Bun.spawnSync(['mkfifo', path])
  return path
}

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
  ['topic .. (issue 25)', { KAFKA_TOPIC: '..' }, /KAFKA_TOPIC.*"\.\.".*legal Kafka topic name/],
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
    'settings file that is a FIFO (issue 25)',
    { PRODUCER_SETTINGS: fifo('settings.fifo') },
    /PRODUCER_SETTINGS.*settings\.fifo.*must be a file/,
  ],
  [
    'settings file that never ends (issue 25)',
    { PRODUCER_SETTINGS: '/dev/zero' },
    /PRODUCER_SETTINGS.*\/dev\/zero.*must be a file/,
  ],
  [
    'settings file past 1 MiB (issue 25)',
    {
      PRODUCER_SETTINGS: settingsFile(
        'huge.json',
        JSON.stringify({ acks: 'all', $pad: 'x'.repeat(SETTINGS_FILE.maxBytes) }),
      ),
    },
    new RegExp(`PRODUCER_SETTINGS.*huge\\.json.*is larger than ${SETTINGS_FILE.maxBytes} bytes`),
  ],
  [
    'settings with a number value',
    { PRODUCER_SETTINGS: settingsFile('number.json', '{"linger.ms":10}') },
    /PRODUCER_SETTINGS.*number\.json/,
  ],
  [
    // a comment is still a value of the one JSON object of strings (python once skipped it unread)
    'settings with a comment that is not a string (issue 28)',
    { PRODUCER_SETTINGS: settingsFile('comment.json', '{"$comment":5,"acks":"all"}') },
    /PRODUCER_SETTINGS.*comment\.json.*\$comment.*must be a string/,
  ],
]

describe('the shared table of bad inputs, every contender at once', () => {
  test.each(BAD_CONFIG)('%s: exit 2 naming the field and the value, before any connection', async (_, env, message) => {
    const before = rig.feed.stats().connections.total
    await forEachContender(contenders, async (contender) => {
      const run = await runAlone(contender, env)
      expect({ exit: run.exitCode, output: run.output }).toMatchObject({ exit: EXIT.config })
      expect(run.output).toMatch(message)
      expect(run.report).toBeUndefined()
    })
    expect(rig.feed.stats().connections.total).toBe(before)
  })
})

describe('what only shows at run time ends with an honest status, every contender at once', () => {
  test('a START far in the future is refused at once (no busy wait): failed, bad-start, exit 6', async () => {
    await forEachContender(
      contenders,
      async (contender) => {
        const run = await runAlone(contender, {}, '9999999999999')
        expect(run.exitCode).toBe(EXIT.failed)
        expect(run.report?.status).toBe('failed')
        expect(run.report?.statusReasons.map((r) => r.code)).toEqual(['bad-start'])
        expect(run.elapsedMs).toBeLessThan(30_000)
      },
      { atOnce: ALONE_AT_ONCE },
    )
  })

  test.each([
    ['a stdin line with no newline that never ends', 'x'.repeat(32 * 1024), `longer than ${STDIN.maxLineBytes} bytes`],
    ['a flood of junk lines', 'junk\n'.repeat(10_000), `more than ${STDIN.maxIgnoredLines} stdin lines`],
  ])('%s is read with a bound (issue 25): failed, bad-start, exit 6, stdin left open', async (_, stdin, reason) => {
    await forEachContender(contenders, async (contender) => {
      const run = await runAlone(contender, {}, { stdin })
      expect({ exit: run.exitCode, output: run.output }).toMatchObject({ exit: EXIT.failed })
      expect(run.report?.statusReasons.map((r) => r.code)).toEqual(['bad-start'])
      // said on the console or in the report's reason
      expect(`${run.output}\n${JSON.stringify(run.report?.statusReasons)}`).toContain(reason)
      expect(run.output.match(/ignoring stdin line/g)?.length ?? 0).toBeLessThanOrEqual(STDIN.maxIgnoredLines)
    })
  })

  test('every WebSocket connection refused: 0 messages is failed, exit 6, never complete', async () => {
    await forEachContender(contenders, async (contender) => {
      const run = await runAlone(contender, {
        UPBIT_WS_URL: 'ws://127.0.0.1:1/websocket/v1',
        RECONNECT_BASE_MS: '100',
        RECONNECT_MAX_RETRIES: '1',
      })
      expect(run.exitCode).toBe(EXIT.failed)
      expect(run.report?.status).toBe('failed')
      expect(run.report?.statusReasons.map((r) => r.code)).toContain('no-messages')
    })
  })

  test('a connection that drops right after every open uses up its retries (flaps do not reset them)', async () => {
    // long enough after the open that every runtime has seen it open (a flap, not a refusal)
    rig.feed.setFaults({ dropAfterMs: 500 })
    try {
      await forEachContender(
        contenders,
        async (contender) => {
          const run = await runAlone(contender, {
            RECONNECT_BASE_MS: '50',
            RECONNECT_MAX_RETRIES: '2',
            // room for three opens, each held 500 ms, on a loaded machine: the retries must run out
            // inside the window (a full run with eight contenders at once saw python's still going at 4 s)
            TEST_DURATION: '8',
          })
          expect(run.report).toBeDefined()
          expect(run.report!.connections.flaps).toBeGreaterThan(0)
          expect(run.report!.connections.failed).toBe(run.report!.connections.planned)
          expect(run.report!.status).not.toBe('complete')
          expect(run.exitCode).not.toBe(EXIT.complete)
        },
        { atOnce: ALONE_AT_ONCE },
      )
    } finally {
      rig.feed.setFaults({})
    }
  })
})

/** RSS no contender may pass while a peer attacks it (each idles well under 150 MB on this rig) */
const RSS_BOUND = 200 * 1024 * 1024

/** One short run against a hostile peer that attacks the first connection once; the RSS peak is sampled from /proc. */
async function underAttack(contender: Contender, attack: Attack, env: Record<string, string> = {}) {
  // the window starts late enough for the slowest start-up on a busy machine to stay whole, and
  // the attack comes inside it (the endless upgrade response delays ready by HANDSHAKE_TIMEOUT_MS)
  const startMs = Date.now() + 9000
  const peer = startHostilePeer({ attack, attackAfterMs: 500, attackAtMs: startMs + 1500 })
  let peakRss = 0
  let sampler: ReturnType<typeof setInterval> | undefined
  try {
    const run = await rig.runAlone(
      contender,
      { UPBIT_WS_URL: peer.url, TEST_DURATION: '6', RECONNECT_BASE_MS: '100', HANDSHAKE_TIMEOUT_MS: '3000', ...env },
      String(startMs),
      (running) => {
        sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(running.pid) ?? 0)), 50)
      },
    )
    const m = run.report?.messages
    console.log(
      `[hostile] ${attack} | ${contender} | exit ${run.exitCode} | peak RSS ${Math.round(peakRss / 2 ** 20)} MiB | ` +
        `${run.report?.status} ${JSON.stringify(run.report?.statusReasons.map((r) => r.code))} | received ${m?.received} invalid ${m?.invalid} ${JSON.stringify(m?.invalidSamples.map((s) => s.reason))} | ` +
        `reconnects ${run.report?.connections.reconnects} given up ${run.report?.connections.failed} | attacks ${peer.attacks}`,
    )
    return { ...run, peakRss, attacks: peer.attacks }
  } finally {
    clearInterval(sampler)
    peer.stop()
  }
}

/** The attacked connection was dropped and reconnected within its budget; the run stayed honest and complete. */
function expectRecovered(run: Awaited<ReturnType<typeof underAttack>>, rssBound = RSS_BOUND) {
  expect(run.attacks).toBe(1)
  expect(run.peakRss).toBeGreaterThan(0)
  expect(run.peakRss).toBeLessThan(rssBound)
  expect(run.report?.connections.reconnects).toBeGreaterThanOrEqual(1)
  expect(run.report?.connections.failed).toBe(0)
  expect({ status: run.report?.status, exit: run.exitCode }).toEqual({ status: 'complete', exit: EXIT.complete })
}

describe('every WebSocket input is read with a bound on size and time (issue 25), every contender at once', () => {
  test('a frame header announcing 1.5 GB, its body trickled: too-large at once, closed, reconnected', async () => {
    await forEachContender(contenders, async (contender) => {
      const run = await underAttack(contender, 'huge-frame')
      expectRecovered(run)
      expect(run.report!.messages.invalidSamples.map((s) => s.reason)).toContain('too-large')
    })
  }, 90_000)

  test('a message fragmented past MAX_FRAME_BYTES, each fragment under it: too-large, closed, reconnected', async () => {
    await forEachContender(contenders, async (contender) => {
      const run = await underAttack(contender, 'fragments-past-limit')
      const bounded = () => {
        // Bun's client (both bun contenders) has no size option and joins fragments up to its own
        // 128-MiB cap before it fails the connection (docs/contenders.md): its bound is that cap
        // over its idle RSS
        expectRecovered(run, entryOf(contender).runtime.name === 'bun' ? RSS_BOUND + 64 * 1024 * 1024 : RSS_BOUND)
        expect(run.report!.messages.invalidSamples.map((s) => s.reason)).toContain('too-large')
      }
      // Deno's WebSocket (both deno contenders) gathers fragments without any bound and gives the contender no way to see
      // them (docs/contenders.md): a known gap, asserted as one so the day Deno bounds them shows
      if (entryOf(contender).runtime.name === 'deno') expect(bounded).toThrow()
      else bounded()
    })
  }, 90_000)

  test('a text frame that is not UTF-8 fails the connection (RFC 6455 §8.1), counted bad-utf8, never produced', async () => {
    await forEachContender(contenders, async (contender) => {
      const run = await underAttack(contender, 'bad-utf8-text')
      expectRecovered(run)
      expect(run.report!.messages.invalidSamples.map((s) => s.reason)).toContain('bad-utf8')
    })
  }, 90_000)

  test('a ping announcing 1.5 GB (control frames carry ≤ 125 bytes): the connection is failed and reconnected', async () => {
    await forEachContender(contenders, async (contender) => expectRecovered(await underAttack(contender, 'huge-ping')))
  }, 90_000)

  test('an upgrade response whose headers never end: abandoned within bounds, reconnected', async () => {
    await forEachContender(contenders, async (contender) =>
      expectRecovered(await underAttack(contender, 'endless-headers')),
    )
  }, 90_000)
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

  test('duplicates are dropped; a list past the cap is refused naming the URL, every contender', async () => {
    await forEachContender(contenders, async (contender) => {
      const dup = await runAlone(contender, { UPBIT_REST_URL: `http://127.0.0.1:${rest.port}/dup` })
      expect(dup.report?.markets.count).toBe(4)
      const huge = await runAlone(contender, { UPBIT_REST_URL: `http://127.0.0.1:${rest.port}/huge` })
      expect(huge.exitCode).toBe(EXIT.markets)
      expect(huge.output).toContain(`127.0.0.1:${rest.port}/huge`)
      expect(huge.report).toBeUndefined()
    })
  })
})
