/**
 * Orderbook frames against real clients on a real port: Upbit's shape in DEFAULT and SIMPLE, the
 * `CODE.N` depth suffix, a book that makes sense, determinism from the seed, and the `"code"` the
 * contenders' cheap frame check looks for in every data frame.
 */
import { describe, expect, test } from 'bun:test'
import { Client, subscribe, withFeed } from './test-client.ts'

const UNIT_KEYS = ['ask_price', 'ask_size', 'bid_price', 'bid_size']

describe('orderbook', () => {
  test('DEFAULT frames: Upbit fields, depth from the code suffix (1, 5, 15, 30; anything else 30), a sane book', async () => {
    await withFeed({ rate: 2000 }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      const codes = ['KRW-BTC', 'KRW-ETH.5', 'BTC-ETH.1', 'KRW-XRP.3', 'USDT-BTC.15']
      client.send(subscribe(codes, {}, undefined, 'orderbook'))
      await client.waitFor(40)
      client.close()
      const frames = client.json()
      expect(frames.slice(0, 5).map((f) => [f.code, f.stream_type, f.orderbook_units.length])).toEqual([
        ['KRW-BTC', 'SNAPSHOT', 30],
        ['KRW-ETH', 'SNAPSHOT', 5],
        ['BTC-ETH', 'SNAPSHOT', 1],
        ['KRW-XRP', 'SNAPSHOT', 30],
        ['USDT-BTC', 'SNAPSHOT', 15],
      ])
      const depth: Record<string, number> = { 'KRW-BTC': 30, 'KRW-ETH': 5, 'BTC-ETH': 1, 'KRW-XRP': 30, 'USDT-BTC': 15 }
      for (const [i, f] of frames.entries()) {
        expect(Object.keys(f)).toEqual([
          'type',
          'code',
          'timestamp',
          'total_ask_size',
          'total_bid_size',
          'orderbook_units',
          'stream_type',
          'level',
        ])
        expect(f).toMatchObject({ type: 'orderbook', level: 0 })
        expect(client.texts()[i]).toContain(`"code":"${f.code}"`)
        const units = f.orderbook_units as Array<Record<string, number>>
        expect(units).toHaveLength(depth[f.code]!)
        for (const u of units) {
          expect(Object.keys(u).sort()).toEqual(UNIT_KEYS)
          expect(u.ask_size).toBeGreaterThan(0)
          expect(u.bid_size).toBeGreaterThan(0)
        }
        expect(units[0]!.ask_price).toBeGreaterThan(units[0]!.bid_price!)
        for (let k = 1; k < units.length; k++) {
          expect(units[k]!.ask_price).toBeGreaterThan(units[k - 1]!.ask_price!)
          expect(units[k]!.bid_price).toBeLessThan(units[k - 1]!.bid_price!)
        }
        expect(f.total_ask_size).toBeCloseTo(
          units.reduce((a, u) => a + u.ask_size!, 0),
          6,
        )
        expect(f.total_bid_size).toBeCloseTo(
          units.reduce((a, u) => a + u.bid_size!, 0),
          6,
        )
      }
      expect(frames.slice(5).every((f) => f.stream_type === 'REALTIME')).toBe(true)
    })
  })

  test('SIMPLE keys, SIMPLE_LIST arrays, and LIST_SUBSCRIPTIONS echoes the codes as requested with level 0', async () => {
    await withFeed({ rate: 0 }, async (feed) => {
      const simple = await Client.open(feed.wsUrl)
      simple.send(subscribe(['KRW-BTC.1'], {}, 'SIMPLE', 'orderbook'))
      const list = await Client.open(feed.wsUrl)
      list.send(subscribe(['KRW-BTC.1'], {}, 'SIMPLE_LIST', 'orderbook'))
      await Promise.all([simple.waitFor(1), list.waitFor(1)])
      expect(Object.keys(simple.json()[0])).toEqual(['ty', 'cd', 'tms', 'tas', 'tbs', 'obu', 'st', 'lv'])
      expect(Object.keys(simple.json()[0].obu[0]).sort()).toEqual(['ap', 'as', 'bp', 'bs'])
      const { tms: _t1, ...one } = simple.json()[0]
      const { tms: _t2, ...listed } = list.json()[0][0]
      expect(list.json()[0]).toHaveLength(1)
      expect(listed).toEqual(one)
      const client = await Client.open(feed.wsUrl)
      client.send([
        { ticket: 't' },
        { type: 'orderbook', codes: ['KRW-BTC', 'KRW-ETH.5'], is_only_realtime: true },
        { type: 'ticker', codes: ['KRW-BTC'], is_only_realtime: true },
      ])
      client.send([{ ticket: 't' }, { method: 'LIST_SUBSCRIPTIONS' }])
      await client.waitFor(1)
      expect(client.json()[0]).toEqual({
        method: 'LIST_SUBSCRIPTIONS',
        result: [
          { type: 'ticker', codes: ['KRW-BTC'] },
          { type: 'orderbook', codes: ['KRW-BTC', 'KRW-ETH.5'], level: 0 },
        ],
        ticket: 't',
      })
      for (const c of [simple, list, client]) c.close()
    })
  })

  test('same seed, same books; and subscribing to books does not change the ticker frames', async () => {
    const run = async (withBooks: boolean) => {
      const out: { books: string[]; tickers: string[] } = { books: [], tickers: [] }
      await withFeed({ rate: 0, seed: 11 }, async (feed) => {
        const tickers = await Client.open(feed.wsUrl)
        tickers.send(subscribe(['KRW-BTC', 'KRW-XRP'], { is_only_realtime: true }))
        const books = await Client.open(feed.wsUrl)
        if (withBooks)
          books.send(subscribe(['KRW-BTC.5', 'KRW-XRP.5'], { is_only_realtime: true }, undefined, 'orderbook'))
        await Bun.sleep(100)
        feed.setRate(3000)
        await tickers.waitFor(40)
        if (withBooks) await books.waitFor(40)
        tickers.close()
        books.close()
        const strip = (t: string) => t.replace(/"(timestamp|trade_timestamp|trade_date|trade_time)":("[^"]*"|\d+)/g, '')
        out.tickers = tickers.texts().slice(0, 40).map(strip)
        out.books = books.texts().slice(0, 40).map(strip)
      })
      return out
    }
    const [a, b, plain] = [await run(true), await run(true), await run(false)]
    expect(a.books).toHaveLength(40)
    expect(a.books).toEqual(b.books)
    expect(a.tickers).toEqual(plain.tickers)
  })

  test('trade and orderbook frames carry "code":"<market>" like tickers, for the contenders\' cheap frame check', async () => {
    await withFeed({ rate: 3000 }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      const codes = ['KRW-BTC', 'KRW-XRP', 'BTC-ETH']
      client.send([
        { ticket: 't' },
        { type: 'trade', codes },
        { type: 'orderbook', codes: codes.map((c) => `${c}.15`) },
        { format: 'DEFAULT' },
      ])
      await client.waitFor(60)
      client.close()
      const types = new Set<string>()
      for (const [i, f] of client.json().entries()) {
        types.add(f.type)
        expect(codes).toContain(f.code)
        expect(client.texts()[i]).toContain(`"code":"${f.code}"`)
      }
      expect([...types].sort()).toEqual(['orderbook', 'trade'])
    })
  })
})
