/**
 * A connection's life against real clients on a real port: Upbit's idle rule, permessage-deflate,
 * and the silent-connection fault.
 */
import { describe, expect, test } from 'bun:test'
import { Client, withFeed } from './test-client.ts'

describe('idle rule', () => {
  test('a connection that never sends a request is closed after the idle timeout', async () => {
    await withFeed({ rate: 0, idleTimeoutS: 0.3 }, async (idle) => {
      const client = await Client.open(idle.wsUrl)
      expect(await client.waitClosed(2000)).toBe(true)
    })
  })
})
