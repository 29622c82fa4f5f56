/**
 * Replay and the command line, each against a real server and a real client.
 */
import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledMarkets } from './markets.ts'
import { loadRecording, recordedRate, replayMarkets } from './replay.ts'
import { startFeed } from './server.ts'

const ROOT = join(import.meta.dir, '..', '..')

test('--replay plays recorded frames back at recorded × speed, byte for byte, and wasSent knows them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-replay-'))
  const file = join(dir, 'rec.jsonl')
  const frames = Array.from(
    { length: 20 },
    (_, i) => `{"type":"ticker","code":"KRW-BTC","trade_price":${100 + i},"stream_type":"REALTIME"}`,
  )
  // 20 frames 100 ms apart = 2 s recorded; at speed 10 it replays in ~0.2 s per loop
  writeFileSync(
    file,
    frames.map((frame, i) => JSON.stringify({ t: i * 100, code: 'KRW-BTC', frame })).join('\n') + '\n',
  )
  const feed = await startFeed({ port: 0, replay: file, replaySpeed: 10 })
  try {
    const ws = new WebSocket(feed.wsUrl)
    ws.binaryType = 'arraybuffer'
    const got: Uint8Array[] = []
    ws.onmessage = (e) => got.push(new Uint8Array(e.data as ArrayBuffer))
    await new Promise((r) => (ws.onopen = r))
    ws.send(JSON.stringify([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC'], is_only_realtime: true }]))
    const started = Date.now()
    await Bun.sleep(500)
    ws.close()
    const texts = got.map((b) => new TextDecoder().decode(b))
    expect(texts.length).toBeGreaterThanOrEqual(20)
    expect(texts.length).toBeLessThan(80) // paced, not blasted: ~0.5 s / 10 ms
    const first = frames.indexOf(texts[0]!)
    expect(first).toBeGreaterThanOrEqual(0)
    for (let i = 0; i < 10; i++) expect(texts[i]).toBe(frames[(first + i) % 20]!)
    for (const b of got) expect(feed.wasSent(b)).toBe(true)
    expect(Date.now() - started).toBeLessThan(2000)
  } finally {
    await feed.stop()
  }
})

test('a bad replay file is refused, naming the file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-replay-'))
  const file = join(dir, 'bad.jsonl')
  writeFileSync(file, `${entry(0, 'KRW-BTC', 100)}\n{"t":"soon"}\n`)
  await expect(startFeed({ port: 0, replay: file })).rejects.toThrow(/bad\.jsonl line 2/)
})

const tickerFrame = (code: string, price: number, ts = 1_700_000_000_000) =>
  `{"type":"ticker","code":"${code}","trade_price":${price},"trade_timestamp":${ts},"timestamp":${ts},"stream_type":"REALTIME"}`
const entry = (t: number, code: string, price: number) => JSON.stringify({ t, code, frame: tickerFrame(code, price) })
const HEADER = JSON.stringify({
  markets: [
    { market: 'KRW-BTC', korean_name: '비트코인', english_name: 'Bitcoin' },
    { market: 'KRW-ETH', korean_name: '이더리움', english_name: 'Ethereum' },
    { market: 'KRW-QUIET', korean_name: '조용', english_name: 'Quiet' },
  ],
})

describe('a recording is refused naming the file, the line and what is wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-replay-bad-'))
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }
  test.each([
    ['empty.jsonl', '\n\n', /empty\.jsonl holds no frames/],
    ['header-only.jsonl', `${HEADER}\n`, /header-only\.jsonl holds no frames/],
    ['not-json.jsonl', `${entry(0, 'KRW-BTC', 1)}\n{oops\n`, /not-json\.jsonl line 2: not JSON/],
    ['no-t.jsonl', `{"code":"KRW-BTC","frame":"{}"}\n`, /no-t\.jsonl line 1: t: /],
    ['frame-not-json.jsonl', `{"t":0,"code":"KRW-BTC","frame":"{x}"}\n`, /line 1: frame: not JSON/],
    [
      'orderbook.jsonl',
      `${JSON.stringify({ t: 0, code: 'KRW-BTC', frame: '{"type":"orderbook","code":"KRW-BTC"}' })}\n`,
      /line 1: frame: "type" "orderbook" cannot be replayed/,
    ],
    [
      'code.jsonl',
      `${JSON.stringify({ t: 0, code: 'KRW-ETH', frame: tickerFrame('KRW-BTC', 1) })}\n`,
      /line 1: frame: "code" "KRW-BTC" is not the entry's code "KRW-ETH"/,
    ],
    ['late-header.jsonl', `${entry(0, 'KRW-BTC', 1)}\n${HEADER}\n`, /line 2: the market list must be the first line/],
    [
      'bad-market.jsonl',
      `${JSON.stringify({ markets: [{ market: 'btc', korean_name: '', english_name: '' }] })}\n`,
      /line 1: markets\.0\.market: must look like QUOTE-BASE/,
    ],
  ])('%s', (name, text, message) => {
    expect(() => loadRecording(write(name, text))).toThrow(message)
  })

  test('a missing file, a directory, a FIFO and a file over the bound', () => {
    expect(() => loadRecording(join(dir, 'nope.jsonl'))).toThrow(/replay file .*nope\.jsonl does not exist/)
    expect(() => loadRecording(dir)).toThrow(/must be a regular file/)
    const fifo = join(dir, 'fifo')
    expect(Bun.spawnSync(['mkfifo', fifo]).exitCode).toBe(0)
    // a FIFO with no writer would block a plain read forever
    expect(() => loadRecording(fifo)).toThrow(/fifo must be a regular file/)
    const big = write('big.jsonl', `${entry(0, 'KRW-BTC', 1)}\n${entry(1, 'KRW-BTC', 2)}\n`)
    expect(() => loadRecording(big, 64)).toThrow(/big\.jsonl is larger than 64 bytes/)
  })
})

test('a replay serves the recorded market list, restamps each frame with its intended send time, and wasSent knows the sent bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-replay-'))
  const file = join(dir, 'rec.jsonl')
  const lines = Array.from({ length: 20 }, (_, i) => entry(i * 50, i % 2 ? 'KRW-ETH' : 'KRW-BTC', 100 + i))
  writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`)
  const recording = loadRecording(file)
  expect(recording.frames.length).toBe(20)
  expect(recordedRate(recording)).toBeCloseTo(20_000 / (950 + 950 / 20), 6)
  const feed = await startFeed({ port: 0, recording, replaySpeed: 4 })
  try {
    // the recording's list, quiet markets included, not the bundled 536
    const list = (await (await fetch(`${feed.httpUrl}/v1/market/all`)).json()) as Array<{ market: string }>
    expect(list.map((m) => m.market)).toEqual(['KRW-BTC', 'KRW-ETH', 'KRW-QUIET'])
    const ws = new WebSocket(feed.wsUrl)
    ws.binaryType = 'arraybuffer'
    const got: Uint8Array[] = []
    ws.onmessage = (e) => got.push(new Uint8Array(e.data as ArrayBuffer))
    await new Promise((r) => (ws.onopen = r))
    ws.send(JSON.stringify([{ ticket: 't' }, { type: 'ticker', codes: ['KRW-BTC', 'KRW-ETH'] }, { format: 'DEFAULT' }]))
    const from = Date.now()
    await Bun.sleep(400)
    ws.close()
    const to = Date.now()
    expect(got.length).toBeGreaterThanOrEqual(5)
    const recorded = new Set(recording.frames.map((f) => f.frame))
    for (const bytes of got) {
      const text = new TextDecoder().decode(bytes)
      const { timestamp, trade_timestamp } = JSON.parse(text) as { timestamp: number; trade_timestamp: number }
      // sent now, not when recorded; every other byte is the recording's
      expect(timestamp).toBeGreaterThanOrEqual(from - 1000)
      expect(timestamp).toBeLessThanOrEqual(to)
      expect(trade_timestamp).toBe(1_700_000_000_000)
      const unstamped = text.replace(`"timestamp":${timestamp}`, '"timestamp":1700000000000')
      expect(recorded.has(unstamped.replace('"stream_type":"SNAPSHOT"', '"stream_type":"REALTIME"'))).toBe(true)
      expect(feed.wasSent(bytes)).toBe(true)
    }
    // a subscription's snapshots are the markets' recorded state, not generated frames
    const snapshots = got.map((b) => new TextDecoder().decode(b)).filter((t) => t.includes('"SNAPSHOT"'))
    expect(snapshots.map((t) => JSON.parse(t).code).sort()).toEqual(['KRW-BTC', 'KRW-ETH'])
    expect(feed.stats().rate).toBeCloseTo(recordedRate(recording) * 4, 6)
  } finally {
    await feed.stop()
  }
})

test('without a recorded market list the replay serves the bundled one, plus the markets its frames name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feed-replay-'))
  const file = join(dir, 'plain.jsonl')
  writeFileSync(file, `${entry(0, 'KRW-BTC', 1)}\n${entry(5, 'KRW-NEWCOIN', 2)}\n`)
  const recording = loadRecording(file)
  expect(recording.markets).toBeUndefined()
  const served = replayMarkets(recording, bundledMarkets()).map((m) => m.market)
  expect(served.slice(0, -1)).toEqual(bundledMarkets().map((m) => m.market))
  expect(served.at(-1)).toBe('KRW-NEWCOIN')
})

test('bun run feed prints its URLs when ready, serves /stats, and rejects a bad flag naming it and its value', async () => {
  const bad = Bun.spawnSync(['bun', 'scripts/feed.ts', '--rate', 'fast'], { cwd: ROOT })
  expect(bad.exitCode).toBe(2)
  expect(bad.stderr.toString()).toMatch(/--rate "fast"/)
  const badEnum = Bun.spawnSync(['bun', 'scripts/feed.ts', '--ws-compression', 'yes'], { cwd: ROOT })
  expect(badEnum.exitCode).toBe(2)
  expect(badEnum.stderr.toString()).toMatch(/--ws-compression "yes"/)
  const badFrom = Bun.spawnSync(['bun', 'scripts/feed.ts', '--record', 'r.jsonl', '--record-from', 'ftp://x'], {
    cwd: ROOT,
  })
  expect([badFrom.exitCode, badFrom.stderr.toString()]).toEqual([
    2,
    expect.stringMatching(/--record-from "ftp:\/\/x": must be an http:\/\/ or https:\/\/ URL/),
  ])
  const aloneFrom = Bun.spawnSync(['bun', 'scripts/feed.ts', '--record-from', 'http://127.0.0.1:1'], { cwd: ROOT })
  expect([aloneFrom.exitCode, aloneFrom.stderr.toString()]).toEqual([2, expect.stringMatching(/needs --record/)])

  const proc = Bun.spawn(
    [
      'bun',
      'scripts/feed.ts',
      '--port',
      '0',
      '--rate',
      '200',
      '--seed',
      '5',
      '--malformed-every',
      '7',
      '--upbit-limits',
      '--ws-compression',
      'off',
    ],
    { cwd: ROOT, stdout: 'pipe' },
  )
  try {
    const reader = proc.stdout.getReader()
    let out = ''
    while (!out.includes('\n')) {
      const { value, done } = await reader.read()
      if (done) break
      out += new TextDecoder().decode(value)
    }
    const m = /^feed: (http:\/\/127\.0\.0\.1:\d+)  (ws:\/\/127\.0\.0\.1:\d+\/websocket\/v1)$/m.exec(out)
    expect(m).not.toBeNull()
    const stats = (await (await fetch(`${m![1]}/stats`)).json()) as any
    expect(stats.rate).toBe(200)
    expect(stats.limits.upbit).toBe(true)
    expect(stats.compression).toBe(false)
  } finally {
    proc.kill()
    await proc.exited
  }
})
