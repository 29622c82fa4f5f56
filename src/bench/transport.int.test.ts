/**
 * The transport as Upbit has it (issue 17), for every contender: equal WebSocket compression
 * stated in every report, a silent connection detected and replaced by the watchdog with nothing
 * acked lost, and the race's staggered connection phases staying within Upbit's connection limit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { entryOf } from '../registry/registry.ts'
import { contendersUnderTest, logCounts, Rig, type ShortRunResult } from './fixture.ts'

const contenders = contendersUnderTest()
let rig: Rig

beforeAll(async () => {
  // the feed as Upbit runs it: compression offered, request limits enforced
  rig = await Rig.start({ wsCompression: true, upbitLimits: true })
})
afterAll(async () => {
  await rig?.stop()
})

function expectClean(results: ShortRunResult[]) {
  for (const r of results) {
    expect({ contender: r.contender, error: r.error, problems: r.audit?.problems }).toEqual({
      contender: r.contender,
      error: undefined,
      problems: [],
    })
  }
}

describe('transport like Upbit’s', () => {
  test('staggered connection phases: 0 refused handshakes under Upbit’s 5 connections/s, every audit clean', async () => {
    const refusedBefore = rig.feed.stats().connections.refused429
    // the seed's pacing (2 connections, then the interval), 6 connections per contender, scheduled as the bench does
    const results = await rig.run({
      contenders,
      marketsLimit: 90,
      connectIntervalMs: 2000,
      connectionsPerSecLimit: 5,
      durationS: 3,
    })
    logCounts('Upbit limits, staggered phases', results)
    expectClean(results)
    for (const r of results)
      expect({ contender: r.contender, refused: r.report!.connections.rateLimited }).toEqual({
        contender: r.contender,
        refused: 0,
      })
    expect(rig.feed.stats().connections.refused429).toBe(refusedBefore)
  })

  test.each(['on', 'off'] as const)(
    'WS_COMPRESSION=%s: every report states the negotiated extension, and the audit is clean',
    async (mode) => {
      const results = await rig.run({
        contenders,
        connectIntervalMs: 2000,
        connectionsPerSecLimit: 5,
        env: { WS_COMPRESSION: mode },
      })
      expectClean(results)
      for (const r of results) {
        expect({ contender: r.contender, compression: r.report!.connections.compression }).toEqual({
          contender: r.contender,
          // Deno's WebSocket (both deno contenders) cannot offer permessage-deflate (docs/contenders.md): it says none
          compression: mode === 'on' && entryOf(r.contender).runtime.name !== 'deno' ? 'permessage-deflate' : 'none',
        })
        expect(r.report!.config.wsCompression).toBe(mode)
      }
    },
  )

  test('a silent connection (open, answering pings, sending nothing) is replaced within the watchdog time', async () => {
    rig.feed.setFaults({ silenceAfterMs: 1000 })
    try {
      // the seed's pacing and backoff, so the watchdog's reconnects stay within Upbit's limit too
      const results = await rig.run({
        contenders,
        durationS: 8,
        connectIntervalMs: 2000,
        connectionsPerSecLimit: 5,
        env: { SILENCE_TIMEOUT_MS: '1500', RECONNECT_BASE_MS: '1000' },
      })
      logCounts('silent connections', results)
      expectClean(results)
      for (const r of results) {
        const c = r.report!.connections
        expect({ contender: r.contender, silence: c.silenceReconnects > 0 }).toEqual({
          contender: r.contender,
          silence: true,
        })
        expect(c.failed).toBe(0)
        expect(r.report!.messages.delivered).toBe(r.report!.messages.received - r.report!.messages.invalid)
      }
    } finally {
      rig.feed.setFaults({})
    }
  })
})
