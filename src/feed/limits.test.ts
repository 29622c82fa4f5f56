/**
 * Upbit's request limits against real clients on a real port: 429s, Remaining-Req, the 418
 * escalation, per-connection data-request limits, and the connection-rate override.
 */
import { describe, expect, test } from 'bun:test'
import { Client, rawUpgrade, waitUntil, withFeed } from './test-client.ts'

const market = (url: string) => fetch(`${url}/v1/market/all`)
/** With the stream paused, each accepted request is answered by exactly one frame: its snapshot. */
const request = (i: number) => [{ ticket: `r${i}` }, { type: 'ticker', codes: ['KRW-BTC'] }]

describe('upbitLimits', () => {
  test('REST: 10 per second per IP, Remaining-Req counts down, 429 beyond; refused requests use no quota', async () => {
    await withFeed({ rate: 0, upbitLimits: true }, async (feed) => {
      const answers = await Promise.all(Array.from({ length: 14 }, () => market(feed.httpUrl)))
      const ok = answers.filter((r) => r.status === 200)
      const limited = answers.filter((r) => r.status === 429)
      expect(ok).toHaveLength(10)
      expect(limited).toHaveLength(4)
      expect(
        ok.map((r) => Number(/sec=(\d+)$/.exec(r.headers.get('remaining-req')!)![1])).sort((a, b) => b - a),
      ).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
      expect(limited[0]!.headers.get('remaining-req')).toBe('group=market; min=600; sec=0')
      expect(((await limited[0]!.json()) as any).error.name).toBe('too_many_requests')
      expect(feed.stats().limits).toMatchObject({
        upbit: true,
        refused429: { rest: 4, 'ws-upgrade': 0, 'ws-data': 0 },
        blocks: 0,
      })
      await Bun.sleep(1000)
      expect((await market(feed.httpUrl)).status).toBe(200)
    })
  })

  test('WebSocket connections: 5 per second per IP, the rest answered 429 on the handshake', async () => {
    await withFeed({ rate: 0, upbitLimits: true }, async (feed) => {
      const statuses = await Promise.all(Array.from({ length: 7 }, () => rawUpgrade(feed.wsUrl).then((r) => r.status)))
      expect(statuses.filter((s) => s === 101)).toHaveLength(5)
      expect(statuses.filter((s) => s === 429)).toHaveLength(2)
      expect(feed.stats().limits.refused429['ws-upgrade']).toBe(2)
      expect(feed.stats().connections.refused429).toBe(2)
    })
  })

  test('data requests: 5 per second and 100 per minute per connection, refused with an error frame; PING is not a data request', async () => {
    await withFeed({ rate: 0, upbitLimits: { wsDataPerMin: 8 } }, async (feed) => {
      const a = await Client.open(feed.wsUrl)
      for (let i = 0; i < 7; i++) a.send(request(i))
      for (let i = 0; i < 10; i++) a.send('PING')
      await a.waitFor(5 + 2 + 10)
      const refused = a.json().filter((f) => f.error)
      expect(refused).toHaveLength(2)
      expect(refused[0].error).toEqual({
        name: 'TOO_MANY_REQUESTS',
        message: expect.stringContaining('5 per second and 8 per minute'),
      })
      expect(a.texts().filter((t) => t === '{"status":"UP"}')).toHaveLength(10)
      // another connection has its own quota
      const b = await Client.open(feed.wsUrl)
      b.send(request(9))
      await b.waitFor(1)
      expect(b.json()[0]).toMatchObject({ type: 'ticker', stream_type: 'SNAPSHOT' })
      // a minute's quota of 8: after a second, 3 more are accepted and the 4th refused
      await Bun.sleep(1000)
      const before = a.frames.length
      for (let i = 0; i < 4; i++) a.send(request(i))
      await a.waitFor(before + 4)
      expect(
        a
          .json()
          .slice(before)
          .filter((f) => f.error),
      ).toHaveLength(1)
      expect(feed.stats().limits.refused429['ws-data']).toBe(3)
      a.close()
      b.close()
    })
  })

  test('418: an IP that keeps going after 429s is blocked for REST, handshakes and data requests, longer on a repeat', async () => {
    await withFeed({ rate: 0, upbitLimits: { blockMs: 400 } }, async (feed) => {
      const open = await Client.open(feed.wsUrl)
      // 10 accepted, then 10 refusals within 10 s start a block
      const first = await Promise.all(Array.from({ length: 20 }, () => market(feed.httpUrl).then((r) => r.status)))
      expect(first.filter((s) => s === 429)).toHaveLength(10)
      const blocked = await market(feed.httpUrl)
      expect(blocked.status).toBe(418)
      expect(blocked.headers.get('retry-after')).toBe('1')
      expect(((await blocked.json()) as any).error).toEqual({
        name: 'ip_blocked',
        message: expect.stringContaining('offence 1'),
      })
      expect((await rawUpgrade(feed.wsUrl)).status).toBe(418)
      open.send(request(0))
      await open.waitFor(1)
      expect(open.json()[0].error.name).toBe('IP_BLOCKED')
      expect(feed.stats().limits).toMatchObject({
        refused418: { rest: 1, 'ws-upgrade': 1, 'ws-data': 1 },
        blocks: 1,
        blockedIps: 1,
      })
      // the block (and the second's quota) ends; a second offence soon after blocks twice as long
      await Bun.sleep(1100)
      expect((await market(feed.httpUrl)).status).toBe(200)
      await Promise.all(Array.from({ length: 20 }, () => market(feed.httpUrl)))
      const again = await market(feed.httpUrl)
      expect(again.status).toBe(418)
      expect(((await again.json()) as any).error.message).toContain('offence 2')
      await Bun.sleep(500) // past the first block's length, within the doubled one
      expect((await market(feed.httpUrl)).status).toBe(418)
      expect(await waitUntil(() => feed.stats().limits.blockedIps === 0, 1000)).toBe(true)
      await Bun.sleep(300) // the burst's second is over too
      expect((await market(feed.httpUrl)).status).toBe(200)
      expect(feed.stats().limits.blocks).toBe(2)
      open.close()
    })
  })

  test('off by default: no REST or data-request limits, and no blocks', async () => {
    await withFeed({ rate: 0 }, async (feed) => {
      const statuses = await Promise.all(Array.from({ length: 25 }, () => market(feed.httpUrl).then((r) => r.status)))
      expect(statuses.every((s) => s === 200)).toBe(true)
      const client = await Client.open(feed.wsUrl)
      for (let i = 0; i < 8; i++) client.send(request(i))
      await client.waitFor(8)
      client.close()
      expect(client.json().some((f) => f.error)).toBe(false)
      expect(feed.stats().limits).toMatchObject({
        upbit: false,
        refused429: { rest: 0, 'ws-upgrade': 0, 'ws-data': 0 },
        blocks: 0,
      })
    })
  })
})

describe('connection-rate override', () => {
  test('maxConnectionsPerSec answers 429 on the upgrade beyond the limit, without Upbit limits and without blocking', async () => {
    await withFeed({ rate: 100, faults: { maxConnectionsPerSec: 2 } }, async (feed) => {
      const statuses = await Promise.all(Array.from({ length: 4 }, () => rawUpgrade(feed.wsUrl).then((r) => r.status)))
      expect(statuses.filter((s) => s === 429).length).toBe(2)
      expect(feed.stats().connections.refused429).toBe(2)
      expect(feed.stats().limits.refused429['ws-upgrade']).toBe(2)
      feed.setFaults({})
      const client = await Client.open(feed.wsUrl)
      client.close()
    })
  })

  test("with upbitLimits, maxConnectionsPerSec replaces Upbit's 5 per second", async () => {
    await withFeed({ rate: 0, upbitLimits: true, faults: { maxConnectionsPerSec: 2 } }, async (feed) => {
      const statuses = await Promise.all(Array.from({ length: 4 }, () => rawUpgrade(feed.wsUrl).then((r) => r.status)))
      expect(statuses.filter((s) => s === 101)).toHaveLength(2)
    })
  })
})
