/**
 * Replay and the command line, each against a real server and a real client.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  writeFileSync(file, '{"t":0,"code":"KRW-BTC","frame":"{}"}\n{"t":"soon"}\n')
  await expect(startFeed({ port: 0, replay: file })).rejects.toThrow(/bad\.jsonl line 2/)
})

test('bun run feed prints its URLs when ready, serves /stats, and rejects a bad flag naming it and its value', async () => {
  const bad = Bun.spawnSync(['bun', 'scripts/feed.ts', '--rate', 'fast'], { cwd: ROOT })
  expect(bad.exitCode).toBe(2)
  expect(bad.stderr.toString()).toMatch(/--rate "fast"/)
  const badEnum = Bun.spawnSync(['bun', 'scripts/feed.ts', '--ws-compression', 'yes'], { cwd: ROOT })
  expect(badEnum.exitCode).toBe(2)
  expect(badEnum.stderr.toString()).toMatch(/--ws-compression "yes"/)

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
