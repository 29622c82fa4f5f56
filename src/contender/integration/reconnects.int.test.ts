/**
 * Liveness against the real feed's faults, bun and node: the silence watchdog (the feed's stall
 * fault keeps a socket open and stops its data; status answers to text PINGs keep coming and
 * must not count), the flap budget (the feed drops every connection right after it subscribes:
 * each connection gives up after RECONNECT_MAX_RETRIES instead of looping), and a server that
 * accepts TCP but never answers the upgrade (HANDSHAKE_TIMEOUT_MS).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { logRun, runProgram, TS_CONTENDERS } from './program.fixture.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let feed: Feed
/** reads the upgrade request and never answers it */
let mute: Bun.TCPSocketListener<undefined>
beforeAll(async () => {
  kafka = await useKafka()
  feed = await startFeed({ port: 0, rate: 500, seed: 7 })
  mute = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
})
afterAll(async () => {
  mute?.stop(true)
  await feed?.stop()
  await kafka?.stop()
})

describe.each(TS_CONTENDERS)('%s', (contender) => {
  test('a connection silent for SILENCE_TIMEOUT_MS is closed and reconnected by the watchdog', async () => {
    feed.setFaults({ stallAfterMs: 300, stallForMs: 600_000 })
    try {
      const run = await runProgram(contender, {
        bootstrap: kafka.bootstrap,
        restUrl: feed.httpUrl,
        wsUrl: feed.wsUrl,
        env: { SILENCE_TIMEOUT_MS: '1200', PING_INTERVAL_MS: '1000', RECONNECT_STABLE_MS: '0' },
      })
      logRun('silence', run)
      const c = run.report!.connections
      expect(c.silenceReconnects).toBeGreaterThanOrEqual(c.planned)
      expect(c.reconnects).toBe(c.silenceReconnects)
      expect(c.failed).toBe(0)
      // Node sends text PINGs, answered with {"status":"UP"} during the silence: seen, and not data
      if (contender === 'node') expect(run.report!.messages.statusFrames).toBeGreaterThan(0)
      expect(run.exitCode).toBe(0)
    } finally {
      feed.setFaults({})
    }
  })

  test('a connection dropped right after every open gives up after RECONNECT_MAX_RETRIES', async () => {
    feed.setFaults({ dropAfterMs: 150 })
    try {
      const run = await runProgram(contender, {
        bootstrap: kafka.bootstrap,
        restUrl: feed.httpUrl,
        wsUrl: feed.wsUrl,
        env: { RECONNECT_MAX_RETRIES: '2', RECONNECT_STABLE_MS: '10000' },
      })
      logRun('flaps', run)
      const c = run.report!.connections
      expect(c).toMatchObject({
        opened: 3 * c.planned,
        flaps: 3 * c.planned,
        reconnects: 2 * c.planned,
        failed: c.planned,
      })
      expect(run.report!.status).toBe('failed')
      expect(run.report!.statusReasons.map((r) => r.code)).toContain('all-connections-down')
      expect(run.report!.statusReasons.map((r) => r.code)).toContain('connections-given-up')
      expect(run.exitCode).toBe(6)
    } finally {
      feed.setFaults({})
    }
  })

  test('an upgrade never answered is abandoned after HANDSHAKE_TIMEOUT_MS, counted, retried, given up', async () => {
    const run = await runProgram(contender, {
      bootstrap: kafka.bootstrap,
      restUrl: feed.httpUrl,
      wsUrl: `ws://127.0.0.1:${mute.port}/websocket/v1`,
      env: { HANDSHAKE_TIMEOUT_MS: '300', RECONNECT_MAX_RETRIES: '1' },
    })
    logRun('handshake timeout', run)
    const c = run.report!.connections
    expect(c).toMatchObject({ opened: 0, handshakeTimeouts: 2 * c.planned, reconnects: c.planned, failed: c.planned })
    expect(run.exitCode).toBe(6)
  })
})
