/**
 * A connection's life against real clients on a real port: Upbit's idle rule, permessage-deflate,
 * and the silent-connection fault.
 */
import { describe, expect, test } from 'bun:test'
import { Client, RawSocket, subscribe, waitUntil, withFeed } from './test-client.ts'

/** Sends `send` every 150 ms for `ms`: well inside the 1 s idle timeout, with room for a loaded machine. */
async function keepSending(ms: number, send: () => void): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    send()
    await Bun.sleep(150)
  }
}

describe('idle rule: closed after the timeout with nothing sent or received', () => {
  const idleTimeoutS = 1

  test('a connection that never sends a request is closed', async () => {
    await withFeed({ rate: 0, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      const opened = Date.now()
      expect(await client.waitClosed(3000)).toBe(true)
      expect(Date.now() - opened).toBeGreaterThanOrEqual(900)
    })
  })

  test('a subscribed connection on a market that sends nothing, that never pings, is closed', async () => {
    await withFeed({ rate: 0, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
      expect(await client.waitClosed(3000)).toBe(true)
      expect(client.frames).toHaveLength(0)
      expect(feed.stats().subscribers.total).toBe(0)
    })
  })

  test('ping frames keep a silent subscribed connection open', async () => {
    await withFeed({ rate: 0, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
      await keepSending(1500, () => client.ping())
      expect(client.closed).toBe(false)
      // and without them it goes
      expect(await client.waitClosed(3000)).toBe(true)
    })
  })

  test('the text PING keeps a connection open, with or without a subscription', async () => {
    await withFeed({ rate: 0, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      await keepSending(1500, () => client.send('PING'))
      expect(client.closed).toBe(false)
      expect(client.texts().every((t) => t === '{"status":"UP"}')).toBe(true)
      client.close()
    })
  })

  test('data the feed sends keeps a connection open that never sends anything after subscribing', async () => {
    await withFeed({ rate: 500, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC', 'KRW-XRP', 'KRW-ETH'], { is_only_realtime: true }))
      await Bun.sleep(1500)
      expect(client.closed).toBe(false)
      expect(client.frames.length).toBeGreaterThan(50)
      feed.setRate(0)
      expect(await client.waitClosed(3000)).toBe(true)
    })
  })
})

describe('permessage-deflate (RFC 7692), on by default as on Upbit', () => {
  const OFFER = { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' }
  const RSV1 = 0x40
  const BINARY = 0x02

  test('negotiated with a client that offers it, and snapshot and realtime frames are compressed; not with one that does not', async () => {
    await withFeed({ rate: 1000 }, async (feed) => {
      const offers = await RawSocket.open(feed.wsUrl, OFFER)
      const plain = await RawSocket.open(feed.wsUrl)
      expect(offers.headers['sec-websocket-extensions']).toStartWith('permessage-deflate')
      expect(plain.headers['sec-websocket-extensions']).toBeUndefined()
      for (const raw of [offers, plain]) raw.sendText(JSON.stringify(subscribe(['KRW-BTC', 'KRW-ETH'])))
      expect(await waitUntil(() => offers.frameHeads.length >= 8 && plain.frameHeads.length >= 8)).toBe(true)
      expect(offers.frameHeads.every((h) => (h & 0x0f) === BINARY && (h & RSV1) !== 0)).toBe(true)
      expect(plain.frameHeads.every((h) => (h & 0x0f) === BINARY && (h & RSV1) === 0)).toBe(true)
      const open = feed.stats().connections
      expect(open.deflate).toBe(1)
      expect(open.open.map((c) => c.deflate).sort()).toEqual([false, true])
      offers.close()
      plain.close()
    })
  })

  test("Bun's client with and without deflate: both decode the same data; GET /stats says which negotiated it, by ticket", async () => {
    await withFeed({ rate: 1000 }, async (feed) => {
      const compressed = await Client.open(feed.wsUrl, { deflate: true })
      const plain = await Client.open(feed.wsUrl, { deflate: false })
      compressed.send([{ ticket: 'bench-0' }, { type: 'ticker', codes: ['KRW-BTC'], is_only_realtime: true }])
      plain.send([{ ticket: 'bench-1' }, { type: 'ticker', codes: ['KRW-BTC'], is_only_realtime: true }])
      await Promise.all([compressed.waitFor(10), plain.waitFor(10)])
      expect(compressed.ws.extensions).toContain('permessage-deflate')
      expect(plain.ws.extensions).toBe('')
      const stats = (await (await fetch(`${feed.httpUrl}/stats`)).json()) as any
      expect(stats.compression).toBe(true)
      expect(Object.fromEntries(stats.connections.open.map((c: any) => [c.ticket, c.deflate]))).toEqual({
        'bench-0': true,
        'bench-1': false,
      })
      compressed.close()
      plain.close()
      for (const f of compressed.json()) expect(f).toMatchObject({ type: 'ticker', code: 'KRW-BTC' })
      const shared = compressed.texts().filter((t) => plain.texts().includes(t))
      expect(shared.length).toBeGreaterThan(5)
    })
  })

  test('wsCompression: false declines every offer', async () => {
    await withFeed({ rate: 0, wsCompression: false }, async (feed) => {
      const offers = await RawSocket.open(feed.wsUrl, OFFER)
      expect(offers.headers['sec-websocket-extensions']).toBeUndefined()
      offers.sendText(JSON.stringify(subscribe(['KRW-BTC'])))
      expect(await waitUntil(() => offers.frameHeads.length >= 1)).toBe(true)
      expect(offers.frameHeads[0]! & RSV1).toBe(0)
      expect(feed.stats().connections).toMatchObject({ deflate: 0, open: [{ deflate: false }] })
      expect(feed.stats().compression).toBe(false)
      offers.close()
    })
  })
})

describe('silence fault: open and healthy, but no more data', () => {
  const codes = ['KRW-BTC', 'KRW-XRP', 'KRW-ETH']
  const request = (ticket: string, extra: Record<string, unknown> = { is_only_realtime: true }) => [
    { ticket },
    { type: 'ticker', codes, ...extra },
  ]

  test('after silenceAfterMs the connection gets no data but answers pings, PING and requests; a reconnect with the same ticket gets data', async () => {
    await withFeed({ rate: 2000, faults: { silenceAfterMs: 300 } }, async (feed) => {
      const first = await Client.open(feed.wsUrl)
      let pongs = 0
      first.ws.addEventListener('pong', () => pongs++)
      first.send(request('bench-0'))
      await first.waitFor(5)
      expect(await waitUntil(() => feed.stats().connections.silenced === 1, 1000)).toBe(true)
      await Bun.sleep(200) // frames already on the wire
      const quietFrom = first.frames.length
      first.ping()
      first.send('PING')
      first.send(request('bench-0', {}))
      first.send([{ ticket: 'bench-0' }, { method: 'LIST_SUBSCRIPTIONS' }])
      await Bun.sleep(500)
      expect(first.closed).toBe(false)
      expect(pongs).toBe(1)
      // answers, but no data frame (and no snapshot for the re-subscribe)
      const after = first.texts().slice(quietFrom)
      expect(after).toHaveLength(2)
      expect(after[0]).toBe('{"status":"UP"}')
      expect(JSON.parse(after[1]!)).toMatchObject({ method: 'LIST_SUBSCRIPTIONS', result: [{ type: 'ticker', codes }] })
      expect(feed.stats().connections.open[0]).toMatchObject({ ticket: 'bench-0', silenced: true, receiving: 0 })
      // the client's watchdog reconnects: same ticket, data again, and it stays
      first.close()
      const again = await Client.open(feed.wsUrl)
      again.send(request('bench-0'))
      await Bun.sleep(700)
      const got = again.frames.length
      await Bun.sleep(200)
      expect(again.frames.length).toBeGreaterThan(got)
      expect(feed.stats().connections.silenced).toBe(1)
      again.close()
    })
  })

  test('each ticket goes silent once, and silenceMax caps how many connections do', async () => {
    await withFeed({ rate: 2000, faults: { silenceAfterMs: 100, silenceMax: 2 } }, async (feed) => {
      const clients = await Promise.all(['a', 'b', 'c'].map(() => Client.open(feed.wsUrl)))
      clients.forEach((c, i) => c.send(request(`t-${i}`)))
      await Bun.sleep(400)
      const counts = clients.map((c) => c.frames.length)
      await Bun.sleep(300)
      const grew = clients.map((c, i) => c.frames.length > counts[i]!)
      expect(grew).toEqual([false, false, true])
      expect(feed.stats().connections.silenced).toBe(2)
      // setFaults starts over: the same tickets may go silent again
      feed.setFaults({ silenceAfterMs: 0 })
      expect(await waitUntil(() => feed.stats().connections.silenced === 3, 1000)).toBe(true)
      for (const c of clients) c.close()
    })
  })
})
