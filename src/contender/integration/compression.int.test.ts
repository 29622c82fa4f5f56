/**
 * WS_COMPRESSION, every TypeScript contender: `on` offers permessage-deflate and the report
 * states what the server accepted; `off` sends no offer at all. The frames arrive decompressed
 * either way (the value produced is the frame as the server sent it). Deno's WebSocket cannot
 * offer the extension (docs/contenders.md): with `on` it sends no offer and says `none`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { useKafka } from '../../bench/broker/embedded.ts'
import { startFeed, type Feed } from '../../feed/server.ts'
import { entryOf } from '../../registry/registry.ts'
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

/** Deno's client (both deno contenders) has no permessage-deflate at all: `on` is not honoured, and the report must say so */
const offersDeflate = (contender: string) => entryOf(contender).runtime.name !== 'deno'

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
    const honoured = setting === 'off' || offersDeflate(contender)
    expect(run.report!.connections.compression).toBe(honoured ? negotiated : 'none')
    const offers = server().offers.slice(before)
    expect(offers.length).toBe(run.report!.connections.opened)
    for (const o of offers) expect(o).toMatch(honoured ? offer : /^$/)
    // decompressed frames: what reached the topic is the JSON the server sent
    expect(run.report!.messages.delivered).toBeGreaterThan(0)
    for (const m of run.messages) expect(new TextDecoder().decode(m.value)).toStartWith('{"type":"ticker","code":"')
  })
})
