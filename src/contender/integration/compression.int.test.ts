/**
 * WS_COMPRESSION, bun and node: `on` offers permessage-deflate and the report states what the
 * server accepted; `off` sends no offer at all. The frames arrive decompressed either way (the
 * value produced is the frame as the server sent it).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { logRun, TS_CONTENDERS, runProgram } from './program.fixture.ts'
import { startTinyServer, type TinyServer } from './ws-server.fixture.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let feed: Feed
let deflating: TinyServer
let plain: TinyServer
beforeAll(async () => {
  kafka = await useKafka()
  // the feed serves the market list; the tiny servers the stream
  feed = await startFeed({ port: 0, rate: 0 })
  deflating = startTinyServer({ perMessageDeflate: true })
  plain = startTinyServer({ perMessageDeflate: false })
})
afterAll(async () => {
  await deflating?.stop()
  await plain?.stop()
  await feed?.stop()
  await kafka?.stop()
})

const env = { MARKETS_LIMIT: '15', WARMUP_SECONDS: '0' }

describe.each(TS_CONTENDERS)('%s', (contender) => {
  test.each([
    ['on', 'a deflating server', 'permessage-deflate', /^permessage-deflate/, () => deflating],
    ['on', 'a server without compression', 'none', /^permessage-deflate/, () => plain],
    ['off', 'a deflating server', 'none', /^$/, () => deflating],
  ] as const)('WS_COMPRESSION=%s against %s: the report says %s', async (setting, _, negotiated, offer, server) => {
    const before = server().offers.length
    const run = await runProgram(contender, {
      bootstrap: kafka.bootstrap,
      restUrl: feed.httpUrl,
      wsUrl: server().url,
      env: { ...env, WS_COMPRESSION: setting },
    })
    logRun(`compression ${setting}`, run)
    expect({ exit: run.exitCode, status: run.report?.status }).toEqual({ exit: 0, status: 'complete' })
    expect(run.report!.config.wsCompression).toBe(setting)
    expect(run.report!.connections.compression).toBe(negotiated)
    const offers = server().offers.slice(before)
    expect(offers.length).toBe(run.report!.connections.opened)
    for (const o of offers) expect(o).toMatch(offer)
    // decompressed frames: what reached the topic is the JSON the server sent
    expect(run.report!.messages.delivered).toBeGreaterThan(0)
    for (const m of run.messages) expect(new TextDecoder().decode(m.value)).toStartWith('{"type":"ticker","code":"')
  })
})
