/**
 * The feed's data against real clients on a real port: determinism, rate, counting, and the faults
 * that change what a connection receives.
 */
import { describe, expect, test } from 'bun:test'
import { Client, subscribe, withFeed } from './test-client.ts'

const decoder = new TextDecoder()

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

  test('1,000 msg/s for 2 s: every market subscribed, count within ±10 %, lag recorded, behind as the lag says', async () => {
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
      // whether this machine kept up is not this test's business (a loaded machine may not); that the flag tells the truth is
      expect(stats.sent.skipped).toBe(0)
      expect(stats.behind).toBe(stats.lag.p99Us > 50_000)
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
