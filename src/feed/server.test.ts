/**
 * The feed against real WebSocket clients on a real port: protocol, data, rate, fairness, faults.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startFeed, type Feed, type FeedOptions } from './server.ts'

const TICKER_FIELDS = [
  'type', 'code', 'opening_price', 'high_price', 'low_price', 'trade_price', 'prev_closing_price', 'change', 'change_price',
  'signed_change_price', 'change_rate', 'signed_change_rate', 'trade_volume', 'acc_trade_volume', 'acc_trade_volume_24h',
  'acc_trade_price', 'acc_trade_price_24h', 'trade_date', 'trade_time', 'trade_timestamp', 'ask_bid', 'acc_ask_volume',
  'acc_bid_volume', 'highest_52_week_price', 'highest_52_week_date', 'lowest_52_week_price', 'lowest_52_week_date',
  'market_state', 'is_trading_suspended', 'delisting_date', 'market_warning', 'timestamp', 'stream_type',
]
const decoder = new TextDecoder()

/** A real client that keeps every frame it gets, as bytes, with whether it came as binary. */
class Client {
  readonly frames: Array<{ bytes: Uint8Array; binary: boolean }> = []
  closed = false
  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'arraybuffer'
    ws.onmessage = (e) => {
      const binary = typeof e.data !== 'string'
      this.frames.push({ bytes: binary ? new Uint8Array(e.data as ArrayBuffer) : new TextEncoder().encode(e.data as string), binary })
    }
    ws.onclose = () => (this.closed = true)
  }

  static open(url: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      const client = new Client(ws)
      ws.onopen = () => resolve(client)
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`))
    })
  }

  send(request: unknown): void {
    this.ws.send(typeof request === 'string' ? request : JSON.stringify(request))
  }

  texts(): string[] {
    return this.frames.map((f) => decoder.decode(f.bytes))
  }

  json(): any[] {
    return this.texts().map((t) => JSON.parse(t))
  }

  async waitFor(count: number, timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs
    while (this.frames.length < count && Date.now() < end) await Bun.sleep(10)
  }

  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const end = Date.now() + timeoutMs
    while (!this.closed && Date.now() < end) await Bun.sleep(10)
    return this.closed
  }

  close(): void {
    this.ws.close()
  }
}

const subscribe = (codes: string[], extra: Record<string, unknown> = {}, format?: string) => [
  { ticket: 'test' },
  { type: 'ticker', codes, ...extra },
  ...(format ? [{ format }] : []),
]

async function withFeed(options: FeedOptions, body: (feed: Feed) => Promise<void>): Promise<void> {
  const feed = await startFeed({ port: 0, seed: 42, ...options })
  try {
    await body(feed)
  } finally {
    await feed.stop()
  }
}

describe('protocol', () => {
  let feed: Feed
  beforeAll(async () => {
    feed = await startFeed({ port: 0, rate: 2000, seed: 1 })
  })
  afterAll(() => feed.stop())

  test('REST market list: plain and detailed shapes, Remaining-Req header, 429 past 10 per second', async () => {
    const plain = await fetch(`${feed.httpUrl}/v1/market/all?isDetails=false`)
    expect(plain.status).toBe(200)
    expect(plain.headers.get('remaining-req')).toMatch(/^group=market; min=\d+; sec=\d+$/)
    const list = (await plain.json()) as any[]
    expect(list.length).toBe(536)
    expect(Object.keys(list[0]).sort()).toEqual(['english_name', 'korean_name', 'market'])
    const detailed = (await (await fetch(`${feed.httpUrl}/v1/market/all?isDetails=true`)).json()) as any[]
    expect(detailed[0].market_event).toEqual({ warning: expect.any(Boolean), caution: expect.any(Object) })
    expect(Object.keys(detailed[0].market_event.caution)).toHaveLength(5)
    const answers = await Promise.all(Array.from({ length: 14 }, () => fetch(`${feed.httpUrl}/v1/market/all`)))
    const limited = answers.filter((r) => r.status === 429)
    expect(limited.length).toBeGreaterThan(0)
    expect(((await limited[0]!.json()) as any).error.name).toBe('too_many_requests')
    expect(limited[0]!.headers.get('remaining-req')).toContain('sec=0')
    await Bun.sleep(1100) // leave the window for other tests
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
    expect(snapshot.json().map((f) => [f.code, f.stream_type])).toEqual([['KRW-BTC', 'SNAPSHOT'], ['KRW-XRP', 'SNAPSHOT']])
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

  test.each([
    ['not JSON', 'WRONG_FORMAT', 'hello'],
    ['no ticket', 'NO_TICKET', [{ type: 'ticker', codes: ['KRW-BTC'] }]],
    ['no type', 'NO_TYPE', [{ ticket: 'x' }]],
    ['no codes', 'NO_CODES', [{ ticket: 'x' }, { type: 'ticker' }]],
    ['unknown code', 'INVALID_PARAM', [{ ticket: 'x' }, { type: 'ticker', codes: ['KRW-NOPE'] }]],
    ['lowercase code', 'INVALID_PARAM', [{ ticket: 'x' }, { type: 'ticker', codes: ['krw-btc'] }]],
    ['unserved type', 'INVALID_PARAM', [{ ticket: 'x' }, { type: 'orderbook', codes: ['KRW-BTC'] }]],
    ['bad format', 'WRONG_FORMAT', [{ ticket: 'x' }, { type: 'ticker', codes: ['KRW-BTC'] }, { format: 'XML' }]],
  ] as Array<[string, string, unknown]>)('%s → Upbit error frame %s', async (_name, errorName, request) => {
    const client = await Client.open(feed.wsUrl)
    client.send(request)
    await client.waitFor(1)
    await Bun.sleep(50)
    client.close()
    expect(client.frames).toHaveLength(1)
    expect(client.json()[0]).toEqual({ error: { name: errorName, message: expect.any(String) } })
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

  test('a connection that never sends a request is closed after the idle timeout', async () => {
    await withFeed({ rate: 0, idleTimeoutS: 0.3 }, async (idle) => {
      const client = await Client.open(idle.wsUrl)
      expect(await client.waitClosed(2000)).toBe(true)
    })
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
      expect(Object.values(((await (await fetch(`${feed.httpUrl}/stats`)).json()) as any).subscribers.byKind).every((n) => n === 0)).toBe(true)
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
    expect(list).toEqual({ method: 'LIST_SUBSCRIPTIONS', result: [{ type: 'ticker', codes: ['KRW-ETH'] }], ticket: 'x' })
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
    expect(frames[at]).toEqual({ method: 'LIST_SUBSCRIPTIONS', result: [{ type: 'ticker', codes: ['KRW-BTC', 'KRW-XRP'] }], ticket: 'y' })
    const after = frames.slice(at + 1)
    expect(after.length).toBeGreaterThan(2)
    for (const f of after) expect(f).toMatchObject({ type: 'ticker', stream_type: 'REALTIME' })
  })
})

describe('data and rate', () => {
  test('same seed, same frames (timestamps aside) for the same subscription', async () => {
    const run = async () => {
      let texts: string[] = []
      await withFeed({ rate: 0, seed: 7 }, async (feed) => {
        const client = await Client.open(feed.wsUrl)
        client.send(subscribe(['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'USDT-BTC']))
        await client.waitFor(4)
        feed.setRate(5000)
        await client.waitFor(60)
        client.close()
        texts = client.texts().slice(0, 60)
      })
      return texts.map((t) => t.replace(/"(timestamp|trade_timestamp|trade_date|trade_time)":("[^"]*"|\d+)/g, ''))
    }
    const [a, b] = [await run(), await run()]
    expect(a).toHaveLength(60)
    expect(a).toEqual(b)
    // and a different seed gives different data
    let other: string[] = []
    await withFeed({ rate: 0, seed: 8 }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC', 'KRW-ETH', 'KRW-XRP', 'USDT-BTC']))
      await client.waitFor(4)
      client.close()
      other = client.texts()
    })
    expect(other[0]).not.toBe(a[0])
  })

  test('1,000 msg/s holds for 2 s: every market subscribed, count within ±10 %, lag recorded, not behind', async () => {
    await withFeed({ rate: 1000 }, async (feed) => {
      const codes = ((await (await fetch(`${feed.httpUrl}/v1/market/all`)).json()) as any[]).map((m) => m.market)
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(codes, { is_only_realtime: true }))
      await Bun.sleep(300)
      const before = client.frames.length
      const sentBefore = feed.stats().sent.messages
      await Bun.sleep(2000)
      const received = client.frames.length - before
      const sent = feed.stats().sent.messages - sentBefore
      client.close()
      expect(received).toBeGreaterThan(1800)
      expect(received).toBeLessThan(2200)
      expect(Math.abs(sent - received)).toBeLessThan(50)
      const stats = feed.stats()
      expect(stats.lag.count).toBeGreaterThan(2000)
      expect(stats.behind).toBe(false)
      expect(Object.values(stats.sent.byMarket).reduce((a, b) => a + b, 0)).toBe(stats.sent.messages)
      // the live profile concentrates activity: KRW-BTC is the busiest market
      const top = Object.entries(stats.sent.byMarket).sort((a, b) => b[1] - a[1])[0]![0]
      expect(top).toBe('KRW-BTC')
    })
  })

  test('GET /stats serves stats() as JSON', async () => {
    await withFeed({ rate: 100 }, async (feed) => {
      const stats = (await (await fetch(`${feed.httpUrl}/stats`)).json()) as any
      expect(stats.rate).toBe(100)
      expect(stats.connections).toMatchObject({ current: 0, refused429: 0 })
    })
  })
})

describe('faults', () => {
  test('dropAfterMs closes the socket after the time, and counts it', async () => {
    await withFeed({ rate: 500, faults: { dropAfterMs: 300 } }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC']))
      const started = Date.now()
      expect(await client.waitClosed(2000)).toBe(true)
      expect(Date.now() - started).toBeGreaterThanOrEqual(250)
      expect(feed.stats().connections.dropped).toBe(1)
    })
  })

  test('dropAfterMessages closes the socket after about N messages', async () => {
    await withFeed({ rate: 2000, faults: { dropAfterMessages: 50 } }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC', 'KRW-ETH']))
      expect(await client.waitClosed(3000)).toBe(true)
      expect(client.frames.length).toBeGreaterThanOrEqual(50)
      expect(client.frames.length).toBeLessThan(80)
    })
  })

  test('malformedEvery yields each malformed kind, as binary, never marked sent', async () => {
    await withFeed({ rate: 3000, faults: { malformedEvery: 10 } }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC', 'KRW-ETH', 'KRW-XRP'], { is_only_realtime: true }))
      await client.waitFor(200)
      client.close()
      const bad = client.frames.filter((f) => {
        try {
          const j = JSON.parse(decoder.decode(f.bytes))
          return typeof j.code !== 'string'
        } catch {
          return true
        }
      })
      expect(bad.length).toBeGreaterThanOrEqual(15)
      expect(bad.every((f) => f.binary)).toBe(true)
      expect(bad.some((f) => f.bytes.length > 200_000)).toBe(true)
      for (const f of bad) expect(feed.wasSent(f.bytes)).toBe(false)
      expect(feed.stats().sent.malformed).toBeGreaterThanOrEqual(bad.length)
    })
  })

  test('stall stops sending to a connection for a while, then resumes', async () => {
    await withFeed({ rate: 2000, faults: { stallAfterMs: 100, stallForMs: 600 } }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
      await Bun.sleep(250)
      const during = client.frames.length
      await Bun.sleep(300)
      expect(client.frames.length).toBe(during)
      await Bun.sleep(500)
      expect(client.frames.length).toBeGreaterThan(during)
      expect(feed.stats().connections.stalled).toBe(1)
      client.close()
    })
  })

  test('maxConnectionsPerSec answers 429 on the upgrade beyond the limit', async () => {
    await withFeed({ rate: 100, faults: { maxConnectionsPerSec: 2 } }, async (feed) => {
      const statuses = await Promise.all(
        Array.from({ length: 4 }, () => fetch(feed.wsUrl.replace('ws:', 'http:'), { headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' } }).then((r) => r.status)),
      )
      expect(statuses.filter((s) => s === 429).length).toBe(2)
      expect(feed.stats().connections.refused429).toBe(2)
      feed.setFaults({})
      const client = await Client.open(feed.wsUrl)
      client.close()
    })
  })

  test('restart closes every socket and comes back on the same port', async () => {
    await withFeed({ rate: 500 }, async (feed) => {
      const port = feed.port
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC']))
      await client.waitFor(2)
      await feed.restart(200)
      expect(await client.waitClosed(1000)).toBe(true)
      expect(feed.port).toBe(port)
      const again = await Client.open(feed.wsUrl)
      again.send(subscribe(['KRW-BTC']))
      await again.waitFor(3)
      again.close()
      expect(again.frames.length).toBeGreaterThanOrEqual(3)
    })
  })
})
