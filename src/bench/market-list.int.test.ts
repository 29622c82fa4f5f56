/**
 * Every answer the market-list endpoint can give, run against every contender (issue 25): a small
 * REST server of the test's own on 127.0.0.1 gives each answer at its own path, and each contender
 * must judge it the same way: exit 4 with no report, one reason naming the URL (never its user
 * info) and what was wrong, and no internal error text. The decisions are in docs/contenders.md
 * (Behaviour, step 2).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createServer, type Server, type Socket } from 'node:net'
import type { Contender } from '../contract/report.ts'
import { EXIT, MARKET_LIST } from '../contract/rules.ts'
import { bundledMarkets } from '../feed/markets.ts'
import { contendersUnderTest, forEachContender, Rig } from './fixture.ts'

const contenders = contendersUnderTest()
let rig: Rig
let rest: ReturnType<typeof Bun.serve>
let raw: Server
const rawSockets = new Set<Socket>()
/** requests seen per path (`/{contender}/{case}`), to tell how often a status was retried */
const hits = new Map<string, number>()

const markets = bundledMarkets().slice(0, 4)
const list = JSON.stringify(markets)
const json = (body: string, init: ResponseInit = {}) =>
  new Response(body, { ...init, headers: { 'content-type': 'application/json', ...init.headers } })
/** a body that sends `first` and then nothing, never ending */
const neverEnding = (first: string) =>
  new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(first)) /* never closed */ })
/** a chunked body that trickles one byte every 200 ms, for ever */
const trickle = () => {
  let timer: Timer
  return new ReadableStream({
    start(c) {
      timer = setInterval(() => c.enqueue(new TextEncoder().encode(' ')), 200)
    },
    cancel: () => clearInterval(timer),
  })
}
/** a chunked body past the cap, with no length announced */
const overCap = () => {
  const chunk = new TextEncoder().encode(`${'{"market":"KRW-BTC"},'.repeat(10_000)}`)
  let sent = 0
  return new ReadableStream({
    pull(c) {
      if (sent === 0) c.enqueue(new TextEncoder().encode('['))
      if (sent > MARKET_LIST.maxBytes * 2) return c.close()
      c.enqueue(chunk)
      sent += chunk.byteLength
    },
  })
}

type Answer = (hit: number) => Response
/** [case, the answer, what the reason must say, extra env] */
const REFUSED: [string, Answer, RegExp, Record<string, string>?][] = [
  ['status 204', () => new Response(null, { status: 204 }), /answered HTTP 204, not 200 with the market list/],
  ['status 400', () => json('{"error":{}}', { status: 400 }), /answered HTTP 400, not 200 with the market list/],
  ['status 401', () => json('{}', { status: 401 }), /answered HTTP 401, not 200/],
  ['status 403', () => json('{}', { status: 403 }), /answered HTTP 403, not 200/],
  ['status 404', () => new Response('nope', { status: 404 }), /answered HTTP 404, not 200/],
  ['status 418', () => new Response('', { status: 418 }), /answered HTTP 418, not 200/],
  ['status 500', () => new Response('boom', { status: 500 }), /answered HTTP 500, not 200/],
  [
    'status 500 with Retry-After (not retried)',
    () => new Response('boom', { status: 500, headers: { 'retry-after': '0' } }),
    /answered HTTP 500, not 200/,
  ],
  [
    'status 301',
    () => new Response(null, { status: 301, headers: { location: 'http://127.0.0.1:1/elsewhere' } }),
    /answered HTTP 301, a redirect: redirects are not followed/,
  ],
  [
    'status 302 to itself (a loop)',
    () => new Response(null, { status: 302, headers: { location: '?isDetails=false' } }),
    /answered HTTP 302, a redirect: redirects are not followed/,
  ],
  [
    'status 429 every time, Retry-After 0',
    () => new Response('', { status: 429, headers: { 'retry-after': '0' } }),
    /answered HTTP 429 again after 3 retries/,
  ],
  [
    'status 503 every time, Retry-After 0',
    () => new Response('', { status: 503, headers: { 'retry-after': '0' } }),
    /answered HTTP 503 again after 3 retries/,
  ],
  [
    'status 429 asking for an hour',
    () => new Response('', { status: 429, headers: { 'retry-after': '3600' } }),
    /answered HTTP 429; waiting 3600 s to retry would pass the STARTUP_TIMEOUT_MS deadline \(15000 ms\)/,
  ],
  [
    'status 429 without Retry-After, a short deadline',
    () => new Response('', { status: 429 }),
    /answered HTTP 429; waiting 2 s to retry would pass the STARTUP_TIMEOUT_MS deadline \(2500 ms\)/,
    { STARTUP_TIMEOUT_MS: '2500' },
  ],
  ['an empty body', () => json(''), /the body is empty, not a JSON array of markets/],
  ['not JSON', () => json('<html>hello</html>'), /the body is not JSON: "<html>hello<\/html>"/],
  ['JSON null', () => json('null'), /the body is null, not a JSON array of markets/],
  ['an object', () => json('{"market":"KRW-BTC"}'), /the body is an object, not a JSON array of markets/],
  ['a string', () => json('"KRW-BTC"'), /the body is a string, not a JSON array of markets/],
  ['an array of numbers', () => json('[1,2]'), /entry 0 has no "market" code like QUOTE-BASE: 1/],
  ['an array of arrays', () => json('[["KRW-BTC"]]'), /entry 0 has no "market" code like QUOTE-BASE/],
  [
    'an entry without market',
    () => json('[{"market":"KRW-BTC"},{"korean_name":"x"}]'),
    /entry 1 has no "market" code like QUOTE-BASE/,
  ],
  ['market a number', () => json('[{"market":7}]'), /entry 0 has no "market" code like QUOTE-BASE/],
  ['market null', () => json('[{"market":null}]'), /entry 0 has no "market" code like QUOTE-BASE/],
  ['market not QUOTE-BASE', () => json('[{"market":"krw btc"}]'), /entry 0 has no "market" code like QUOTE-BASE/],
  ['an empty array', () => json('[]'), /the market list is empty/],
  [
    'a huge array',
    () => json(JSON.stringify(Array.from({ length: MARKET_LIST.maxMarkets + 1 }, (_, i) => ({ market: `KRW-A${i}` })))),
    new RegExp(`${MARKET_LIST.maxMarkets + 1} markets, more than the ${MARKET_LIST.maxMarkets} a run takes`),
  ],
  [
    'a body past the cap, not announced',
    () => new Response(overCap(), { headers: { 'content-type': 'application/json' } }),
    new RegExp(`the body is larger than ${MARKET_LIST.maxBytes} bytes`),
  ],
  [
    'a gzip bomb',
    () =>
      new Response(Bun.gzipSync(new Uint8Array(4 * MARKET_LIST.maxBytes).fill(32)), {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      }),
    /answered with content-encoding "gzip", not the identity encoding asked for/,
  ],
  [
    'wrong content-type',
    () => new Response(list, { headers: { 'content-type': 'text/html' } }),
    /content-type "text\/html", not JSON/,
  ],
  [
    'a body that never ends',
    () => new Response(neverEnding('[{"market":"KRW-BTC"}'), { headers: { 'content-type': 'application/json' } }),
    /no complete answer within 2000 ms \(STARTUP_TIMEOUT_MS\)/,
    { STARTUP_TIMEOUT_MS: '2000' },
  ],
  [
    'a chunked body that trickles',
    () => new Response(trickle(), { headers: { 'content-type': 'application/json' } }),
    /no complete answer within 2000 ms \(STARTUP_TIMEOUT_MS\)/,
    { STARTUP_TIMEOUT_MS: '2000' },
  ],
]

/** answers only a raw socket can give: [case, bytes to send, then reset or hang, reason] */
const RAW: [string, string, 'reset' | 'hang', RegExp, Record<string, string>?][] = [
  [
    'a connection reset mid-body',
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n[{"market":"KRW-BTC"},',
    'reset',
    /the connection failed before a complete answer/,
  ],
  [
    'a body past the cap, announced',
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${MARKET_LIST.maxBytes + 1}\r\n\r\n[`,
    'hang',
    new RegExp(`the body is larger than ${MARKET_LIST.maxBytes} bytes`),
  ],
]

/** what a person must never see: a runtime's own exception names, stack frames, raw decoder errors */
const INTERNAL =
  /TypeError|KeyError|ValueError|AttributeError|IndexError|Traceback|SyntaxError|json: cannot unmarshal|JSON\.parse|panic:|goroutine \d|\bat .+\.(ts|js|py|go):\d+/

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()
const answers = new Map(REFUSED.map(([name, answer]) => [slug(name), answer]))
const rawAnswers = new Map(RAW.map(([name, bytes, then]) => [slug(name), { bytes, then }]))

beforeAll(async () => {
  rig = await Rig.start()
  rest = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    idleTimeout: 0,
    fetch(request) {
      const path = new URL(request.url).pathname
      // /{contender}/{case}/v1/market/all
      const [, contender, name] = path.split('/')
      const key = `/${contender}/${name}`
      const hit = (hits.get(key) ?? 0) + 1
      hits.set(key, hit)
      if (name === 'duplicates') return json(JSON.stringify([...markets, ...markets]))
      if (name === 'upbit-content-type')
        return json(list, { headers: { 'content-type': 'application/json; charset=utf-8' } })
      if (name === 'one-429-then-the-list')
        return hit === 1 ? new Response('', { status: 429, headers: { 'retry-after': '0' } }) : json(list)
      return answers.get(name!)?.(hit) ?? new Response('no such case', { status: 404 })
    },
  })
  raw = createServer((socket) => {
    rawSockets.add(socket)
    socket.on('close', () => rawSockets.delete(socket))
    socket.on('error', () => {})
    socket.once('data', (data) => {
      const name = data.toString('latin1').split(' ')[1]?.split('/')[2]
      const answer = rawAnswers.get(name ?? '')
      if (!answer) return void socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n')
      socket.write(answer.bytes, () => {
        if (answer.then === 'reset') setTimeout(() => socket.resetAndDestroy(), 100)
      })
    })
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
})
afterAll(async () => {
  rest?.stop(true)
  for (const socket of rawSockets) socket.destroy()
  raw?.close()
  await rig?.stop()
})

const restPort = () => rest.port
const rawPort = () => (raw.address() as { port: number }).port

async function refused(contender: Contender, base: string, env: Record<string, string>, reason: RegExp) {
  const run = await rig.runAlone(contender, { UPBIT_REST_URL: base, ...env })
  const shown = base.replace(/\/\/[^@/]*@/, '//')
  expect({ exit: run.exitCode, output: run.output }).toMatchObject({ exit: EXIT.markets })
  expect(run.report).toBeUndefined()
  expect(run.output).toContain(`GET ${shown}/v1/market/all`)
  expect(run.output).toMatch(reason)
  expect(run.output).not.toMatch(INTERNAL)
  return run
}

describe('every answer of the market list is judged alike, every contender at once', () => {
  // rest parameters: bun takes a callback with more parameters than a row has values for one
  // waiting for `done`, and the rows without env would time out
  test.each(REFUSED)('%s: exit 4, no report, the URL and the reason', async (...[name, , reason, env]) => {
    await forEachContender(contenders, async (contender) => {
      await refused(contender, `http://127.0.0.1:${restPort()}/${contender}/${slug(name)}`, env ?? {}, reason)
    })
  })

  test.each(RAW)('%s: exit 4, no report, the URL and the reason', async (...[name, , , reason, env]) => {
    await forEachContender(contenders, async (contender) => {
      await refused(contender, `http://127.0.0.1:${rawPort()}/${contender}/${slug(name)}`, env ?? {}, reason)
    })
  })

  test('user info in UPBIT_REST_URL is never shown', async () => {
    await forEachContender(contenders, async (contender) => {
      const run = await refused(
        contender,
        `http://someone:s3cret-pw@127.0.0.1:${restPort()}/${contender}/status-500`,
        {},
        /answered HTTP 500, not 200/,
      )
      expect(run.output).not.toContain('s3cret-pw')
      expect(run.output).not.toContain('someone')
    })
  })

  test('429 and 503 are retried 3 times, other statuses never', () => {
    for (const contender of contenders) {
      expect({ contender, hits: hits.get(`/${contender}/status-429-every-time-retry-after-0`) }).toEqual({
        contender,
        hits: 4,
      })
      expect({ contender, hits: hits.get(`/${contender}/status-503-every-time-retry-after-0`) }).toEqual({
        contender,
        hits: 4,
      })
      expect({ contender, hits: hits.get(`/${contender}/status-500-with-retry-after-not-retried-`) }).toEqual({
        contender,
        hits: 1,
      })
      expect({ contender, hits: hits.get(`/${contender}/status-302-to-itself-a-loop-`) }).toEqual({
        contender,
        hits: 1,
      })
    }
  })

  test.each(['duplicates', 'upbit-content-type', 'one-429-then-the-list'])(
    '%s: a usable list is used (duplicate codes dropped)',
    async (name) => {
      await forEachContender(contenders, async (contender) => {
        const run = await rig.runAlone(contender, {
          UPBIT_REST_URL: `http://127.0.0.1:${restPort()}/${contender}/${name}`,
        })
        // the list was taken (whether 4 quiet markets send a frame in a 2-s window is the feed's luck)
        expect(run.exitCode).not.toBe(EXIT.markets)
        expect(run.report?.markets.count).toBe(4)
      })
    },
  )
})
