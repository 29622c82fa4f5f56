/**
 * Upbit's request limits against real clients on a real port: 429s, Remaining-Req, the 418
 * escalation, per-connection data-request limits, and the connection-rate override.
 */
import { describe, expect, test } from 'bun:test'
import { Client, rawUpgrade, withFeed } from './test-client.ts'

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
})
