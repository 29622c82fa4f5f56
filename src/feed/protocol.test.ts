/**
 * The feed's WebSocket protocol against real clients on a real port: subscribe, snapshot flags,
 * formats and LIST_SUBSCRIPTIONS, PING, Upbit's error frames, fairness between subscribers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFeed, type Feed } from './server.ts'
import { Client, subscribe, waitUntil, withFeed } from './test-client.ts'

const TICKER_FIELDS = [
  'type',
  'code',
  'opening_price',
  'high_price',
  'low_price',
  'trade_price',
  'prev_closing_price',
  'change',
  'change_price',
  'signed_change_price',
  'change_rate',
  'signed_change_rate',
  'trade_volume',
  'acc_trade_volume',
  'acc_trade_volume_24h',
  'acc_trade_price',
  'acc_trade_price_24h',
  'trade_date',
  'trade_time',
  'trade_timestamp',
  'ask_bid',
  'acc_ask_volume',
  'acc_bid_volume',
  'highest_52_week_price',
  'highest_52_week_date',
  'lowest_52_week_price',
  'lowest_52_week_date',
  'market_state',
  'is_trading_suspended',
  'delisting_date',
  'market_warning',
  'timestamp',
  'stream_type',
]

describe('protocol', () => {
  let feed: Feed
  beforeAll(async () => {
    feed = await startFeed({ port: 0, rate: 2000, seed: 1 })
  })
  afterAll(() => feed.stop())

  test('REST market list: plain and detailed shapes, Remaining-Req header', async () => {
    const plain = await fetch(`${feed.httpUrl}/v1/market/all?isDetails=false`)
    expect(plain.status).toBe(200)
    expect(plain.headers.get('remaining-req')).toMatch(/^group=market; min=600; sec=\d+$/)
    const list = (await plain.json()) as any[]
    expect(list.length).toBe(536)
    expect(Object.keys(list[0]).sort()).toEqual(['english_name', 'korean_name', 'market'])
    const detailed = (await (await fetch(`${feed.httpUrl}/v1/market/all?is_details=true`)).json()) as any[]
    expect(detailed[0].market_event).toEqual({ warning: expect.any(Boolean), caution: expect.any(Object) })
    expect(Object.keys(detailed[0].market_event.caution)).toHaveLength(5)
  })

  test('subscribe: binary ticker frames of the subscribed codes only, a snapshot first, all Upbit fields', async () => {
    const client = await Client.open(feed.wsUrl)
    const codes = ['KRW-BTC', 'KRW-ETH', 'BTC-ETH']
    client.send(subscribe(codes))
    await client.waitFor(30)
    client.close()
    expect(client.frames.every((f) => f.binary)).toBe(true)
    const frames = client.json()
    expect(frames.slice(0, 3).map((f) => f.stream_type)).toEqual(['SNAPSHOT', 'SNAPSHOT', 'SNAPSHOT'])
    expect(frames.slice(3).every((f) => f.stream_type === 'REALTIME')).toBe(true)
    for (const [i, f] of frames.entries()) {
      expect(codes).toContain(f.code)
      expect(Object.keys(f).sort()).toEqual([...TICKER_FIELDS].sort())
      expect(['RISE', 'EVEN', 'FALL']).toContain(f.change)
      expect(typeof f.trade_price).toBe('number')
      expect(f.trade_date).toMatch(/^\d{8}$/)
      expect(f.trade_time).toMatch(/^\d{6}$/)
      const text = client.texts()[i]!
      expect(text).toContain(`"code":"${f.code}"`)
      expect(text.startsWith('{') && text.endsWith('}')).toBe(true)
    }
  })

  test('is_only_realtime skips the snapshot; is_only_snapshot sends just it; SIMPLE uses short keys; trade type', async () => {
    const realtime = await Client.open(feed.wsUrl)
    realtime.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
    const snapshot = await Client.open(feed.wsUrl)
    snapshot.send(subscribe(['KRW-BTC', 'KRW-XRP'], { isOnlySnapshot: true }))
    const simple = await Client.open(feed.wsUrl)
    simple.send(subscribe(['KRW-BTC'], {}, 'SIMPLE'))
    const trade = await Client.open(feed.wsUrl)
    trade.send([{ ticket: 't' }, { type: 'trade', codes: ['KRW-BTC'] }])
    await Promise.all([realtime.waitFor(5), simple.waitFor(5), trade.waitFor(5)])
    await Bun.sleep(200)
    for (const c of [realtime, snapshot, simple, trade]) c.close()
    expect(realtime.json().every((f) => f.stream_type === 'REALTIME')).toBe(true)
    expect(snapshot.json().map((f) => [f.code, f.stream_type])).toEqual([
      ['KRW-BTC', 'SNAPSHOT'],
      ['KRW-XRP', 'SNAPSHOT'],
    ])
    const s = simple.json()
    expect(s[0]).toMatchObject({ ty: 'ticker', cd: 'KRW-BTC', st: 'SNAPSHOT' })
    expect(s[0].tp).toBeNumber()
    expect(s[0].code).toBeUndefined()
    const t = trade.json()
    expect(t[0]).toMatchObject({ type: 'trade', code: 'KRW-BTC' })
    expect(t[0].trade_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(t[0].sequential_id).toBeNumber()
  })

  test('PING is answered with {"status":"UP"}', async () => {
    const client = await Client.open(feed.wsUrl)
    client.send('PING')
    await client.waitFor(1)
    client.close()
    expect(client.texts()[0]).toBe('{"status":"UP"}')
  })

  const T = { ticket: 'x' }
  const BTC = { type: 'ticker', codes: ['KRW-BTC'] }
  // Upbit's order: array → ticket → type → codes → values (wrong JSON type: WRONG_FORMAT, unsupported value: INVALID_PARAM)
  test.each([
    ['not JSON', 'hello', 'WRONG_FORMAT', /not JSON/],
    ['an object, not an array', BTC, 'WRONG_FORMAT', /array/],
    ['an array holding a string', [T, 'ticker'], 'WRONG_FORMAT', /array of objects/],
    ['no ticket (nor type)', [{ format: 'SIMPLE' }], 'NO_TICKET', /ticket/],
    ['no ticket, before anything else', [BTC, { format: 'XML' }], 'NO_TICKET', /ticket/],
    ['no type', [T], 'NO_TYPE', /type/],
    ['no type, before a bad format', [T, { format: 'XML' }], 'NO_TYPE', /type/],
    ['no codes', [T, { type: 'ticker' }], 'NO_CODES', /codes.*"ticker"/],
    ['no codes, before a bad format', [T, { type: 'trade' }, { format: 'XML' }], 'NO_CODES', /codes/],
    ['empty codes', [T, { type: 'ticker', codes: [] }], 'INVALID_PARAM', /codes.*empty/],
    ['codes not an array', [T, { type: 'ticker', codes: 'KRW-BTC' }], 'WRONG_FORMAT', /codes.*"KRW-BTC"/],
    ['unknown code', [T, { type: 'ticker', codes: ['KRW-BTC', 'KRW-NOPE'] }], 'INVALID_PARAM', /codes.*"KRW-NOPE"/],
    ['lowercase code', [T, { type: 'ticker', codes: ['krw-btc'] }], 'INVALID_PARAM', /"krw-btc"/],
    ['unknown type', [T, { type: 'tickers', codes: ['KRW-BTC'] }], 'INVALID_PARAM', /type: "tickers"/],
    [
      'unserved candle type',
      [T, { type: 'candle.1m', codes: ['KRW-BTC'] }],
      'INVALID_PARAM',
      /"candle\.1m" is not served/,
    ],
    ['type not a string', [T, { type: 1, codes: ['KRW-BTC'] }], 'WRONG_FORMAT', /type: expected a string, got 1/],
    ['flag not a boolean', [T, { ...BTC, is_only_realtime: 'yes' }], 'WRONG_FORMAT', /is_only_realtime.*"yes"/],
    ['unknown format', [T, BTC, { format: 'XML' }], 'INVALID_PARAM', /format: "XML"/],
    ['format not a string', [T, BTC, { format: 7 }], 'WRONG_FORMAT', /format: expected a string, got 7/],
    [
      'orderbook level other than 0',
      [T, { type: 'orderbook', codes: ['KRW-BTC'], level: 10000 }],
      'INVALID_PARAM',
      /level: 10000/,
    ],
    ['unknown method', [T, { method: 'LIST' }], 'INVALID_PARAM', /method: "LIST"/],
    [
      'a private type (needs /private and a JWT)',
      [T, { type: 'myOrder', codes: ['KRW-BTC'] }],
      'INVALID_AUTH',
      /^인증 정보가 올바르지 않습니다\.$/,
    ],
  ] as Array<[string, unknown, string, RegExp]>)(
    '%s → Upbit error frame',
    async (_name, request, errorName, message) => {
      const client = await Client.open(feed.wsUrl)
      client.send(request)
      await client.waitFor(1)
      await Bun.sleep(50)
      client.close()
      expect(client.frames).toHaveLength(1)
      expect(client.frames[0]!.binary).toBe(true)
      const frame = client.json()[0]
      expect(frame).toEqual({ error: { name: errorName, message: expect.any(String) } })
      expect(frame.error.message).toMatch(message)
    },
  )

  test('an error leaves the connection open and the subscription as it was', async () => {
    const client = await Client.open(feed.wsUrl)
    client.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
    await client.waitFor(2)
    client.send([T, { type: 'ticker', codes: ['KRW-NOPE'] }])
    await waitUntil(() => client.json().some((f) => f.error))
    const errorAt = client.json().findIndex((f) => f.error)
    await client.waitFor(errorAt + 3)
    client.close()
    expect(client.json()[errorAt].error.name).toBe('INVALID_PARAM')
    expect(client.json().slice(errorAt + 1)[0]).toMatchObject({ type: 'ticker', code: 'KRW-BTC' })
  })

  test('two subscribers get byte-identical frames, and wasSent knows them', async () => {
    const a = await Client.open(feed.wsUrl)
    const b = await Client.open(feed.wsUrl)
    const request = subscribe(['KRW-BTC', 'KRW-XRP'], { is_only_realtime: true })
    // subscribe both within one tick of the scheduler so they start at the same message
    a.send(request)
    b.send(request)
    await Promise.all([a.waitFor(50), b.waitFor(50)])
    a.close()
    b.close()
    const ta = a.texts()
    const tb = b.texts()
    const start = tb.indexOf(ta[5]!)
    expect(start).toBeGreaterThanOrEqual(0)
    const n = Math.min(ta.length - 5, tb.length - start, 30)
    expect(n).toBeGreaterThan(20)
    expect(tb.slice(start, start + n)).toEqual(ta.slice(5, 5 + n))
    for (const f of a.frames) expect(feed.wasSent(f.bytes)).toBe(true)
    expect(feed.wasSent(new TextEncoder().encode('{"type":"ticker","code":"KRW-BTC"}'))).toBe(false)
  })

  test('LIST_SUBSCRIPTIONS in SIMPLE on a DEFAULT connection, then close: subscriber counts return to 0 and fresh subscribers still get data', async () => {
    await withFeed({ rate: 2000 }, async (feed) => {
      const codes = ['KRW-BTC', 'KRW-XRP', 'KRW-ETH']
      const a = await Client.open(feed.wsUrl)
      a.send(subscribe(codes, { is_only_realtime: true }))
      await a.waitFor(5)
      a.send([{ ticket: 'list' }, { method: 'LIST_SUBSCRIPTIONS' }, { format: 'SIMPLE' }])
      const end = Date.now() + 3000
      const isList = (f: any) => f.mthd === 'LIST_SUBSCRIPTIONS' || f.method === 'LIST_SUBSCRIPTIONS'
      let listAt = -1
      while (listAt < 0 && Date.now() < end) {
        await Bun.sleep(10)
        listAt = a.json().findIndex(isList)
      }
      expect(listAt).toBeGreaterThan(0)
      await a.waitFor(listAt + 6)
      a.close()
      const list = a.json()[listAt]
      const after = a.json().slice(listAt + 1)
      const closing = Date.now() + 2000
      while (feed.stats().connections.current > 0 && Date.now() < closing) await Bun.sleep(10)
      expect(feed.stats().subscribers.total).toBe(0)
      expect(
        Object.values(((await (await fetch(`${feed.httpUrl}/stats`)).json()) as any).subscribers.byKind).every(
          (n) => n === 0,
        ),
      ).toBe(true)
      const simple = await Client.open(feed.wsUrl)
      simple.send(subscribe(codes, { is_only_realtime: true }, 'SIMPLE'))
      const plain = await Client.open(feed.wsUrl)
      plain.send(subscribe(codes, { is_only_realtime: true }))
      await Promise.all([simple.waitFor(5), plain.waitFor(5)])
      simple.close()
      plain.close()
      expect(simple.frames.length).toBeGreaterThanOrEqual(5)
      expect(plain.frames.length).toBeGreaterThanOrEqual(5)
      expect(simple.json()[0]).toMatchObject({ ty: 'ticker' })
      expect(plain.json()[0]).toMatchObject({ type: 'ticker' })
      // the answer is in the requested format, and the format applies to the whole connection: the running stream switched too
      expect(list).toEqual({ mthd: 'LIST_SUBSCRIPTIONS', rslt: [{ ty: 'ticker', cds: codes }], tckt: 'list' })
      expect(after.length).toBeGreaterThan(0)
      for (const f of after) expect(f).toMatchObject({ ty: 'ticker', st: 'REALTIME' })
    })
  })

  test('LIST_SUBSCRIPTIONS reports the current set; a new request replaces it', async () => {
    const client = await Client.open(feed.wsUrl)
    client.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
    client.send(subscribe(['KRW-ETH'], { is_only_realtime: true }))
    client.send([{ ticket: 'x' }, { method: 'LIST_SUBSCRIPTIONS' }])
    await Bun.sleep(300)
    client.close()
    const list = client.json().find((f) => f.method === 'LIST_SUBSCRIPTIONS')
    expect(list).toEqual({
      method: 'LIST_SUBSCRIPTIONS',
      result: [{ type: 'ticker', codes: ['KRW-ETH'] }],
      ticket: 'x',
    })
  })

  test('the format is per connection and the last request wins: a SIMPLE stream turns DEFAULT after a LIST_SUBSCRIPTIONS in DEFAULT', async () => {
    const client = await Client.open(feed.wsUrl)
    client.send(subscribe(['KRW-BTC', 'KRW-XRP'], { is_only_realtime: true }, 'SIMPLE'))
    await client.waitFor(3)
    client.send([{ ticket: 'y' }, { method: 'LIST_SUBSCRIPTIONS' }, { format: 'DEFAULT' }])
    const seen = client.frames.length
    await client.waitFor(seen + 6)
    client.close()
    const frames = client.json()
    expect(frames.slice(0, 3).every((f) => f.ty === 'ticker' && f.code === undefined)).toBe(true)
    const at = frames.findIndex((f) => f.method === 'LIST_SUBSCRIPTIONS')
    expect(frames[at]).toEqual({
      method: 'LIST_SUBSCRIPTIONS',
      result: [{ type: 'ticker', codes: ['KRW-BTC', 'KRW-XRP'] }],
      ticket: 'y',
    })
    const after = frames.slice(at + 1)
    expect(after.length).toBeGreaterThan(2)
    for (const f of after) expect(f).toMatchObject({ type: 'ticker', stream_type: 'REALTIME' })
  })
})
