/**
 * A connection's life against real clients on a real port: Upbit's idle rule, permessage-deflate,
 * and the silent-connection fault.
 */
import { describe, expect, test } from 'bun:test'
import { Client, subscribe, withFeed } from './test-client.ts'

/** Sends `send` every 150 ms for `ms`: well inside a 0.5 s idle timeout. */
async function keepSending(ms: number, send: () => void): Promise<void> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    send()
    await Bun.sleep(150)
  }
}

describe('idle rule: closed after the timeout with nothing sent or received', () => {
  const idleTimeoutS = 0.5

  test('a connection that never sends a request is closed', async () => {
    await withFeed({ rate: 0, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      const opened = Date.now()
      expect(await client.waitClosed(2000)).toBe(true)
      expect(Date.now() - opened).toBeGreaterThanOrEqual(400)
    })
  })

  test('a subscribed connection on a market that sends nothing, that never pings, is closed', async () => {
    await withFeed({ rate: 0, idleTimeoutS }, async (feed) => {
      const client = await Client.open(feed.wsUrl)
      client.send(subscribe(['KRW-BTC'], { is_only_realtime: true }))
      expect(await client.waitClosed(2000)).toBe(true)
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
      expect(await client.waitClosed(2000)).toBe(true)
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
      expect(await client.waitClosed(2000)).toBe(true)
    })
  })
})
