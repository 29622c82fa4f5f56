/**
 * `--source replay:FILE`: the recording is judged before anything starts, and a bad one stops the
 * bench with exit 2 naming the file and what is wrong, before any broker is asked.
 */
import { describe, expect, test } from 'bun:test'
import { closeSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RECORDING_MAX_BYTES } from '../feed/replay.ts'
import { runBench } from './main.ts'
import { parseBenchOptions } from './options.ts'
import { readReplaySource } from './replay-source.ts'

const dir = mkdtempSync(join(tmpdir(), 'ukb-replay-source-'))
const frame = (type: string) =>
  `{"type":"${type}","code":"KRW-BTC","trade_price":1,"timestamp":1700000000000,"stream_type":"REALTIME"}`
const write = (name: string, text: string) => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
const good = write('good.jsonl', `${JSON.stringify({ t: 0, code: 'KRW-BTC', frame: frame('ticker') })}\n`)
const trades = write('trades.jsonl', `${JSON.stringify({ t: 0, code: 'KRW-BTC', frame: frame('trade') })}\n`)
const malformed = write(
  'malformed.jsonl',
  `${JSON.stringify({ t: 0, code: 'KRW-BTC', frame: frame('ticker') })}\n{"t":-1}\n`,
)
// sparse: over the bound without taking the disk or being read
const huge = join(dir, 'huge.jsonl')
const fd = openSync(huge, 'w')
ftruncateSync(fd, RECORDING_MAX_BYTES + 1)
closeSync(fd)

const read = (...argv: string[]) => readReplaySource(parseBenchOptions(argv, {}))

describe('the recording --source names', () => {
  test('is read whole: its frames and its channel', () => {
    const recording = read('--source', `replay:${good}`)!
    expect(recording.frames.length).toBe(1)
    expect([...recording.channels]).toEqual(['ticker'])
    expect(read('--source', 'local')).toBeUndefined()
  })

  test.each([
    [
      `replay:${join(dir, 'missing.jsonl')}`,
      [],
      /--source "replay:.*missing\.jsonl": replay file .*missing\.jsonl does not exist/,
    ],
    [`replay:${huge}`, [], /replay file .*huge\.jsonl is larger than 268435456 bytes \(268435457\)/],
    [`replay:${malformed}`, [], /replay file .*malformed\.jsonl line 2: t: /],
    [`replay:${dir}`, [], /replay file .* must be a regular file/],
    [`replay:${trades}`, [], /trades\.jsonl holds trade frames, nothing for --channel ticker/],
    [`replay:${good}`, ['--channel', 'orderbook'], /holds ticker frames, nothing for --channel orderbook/],
  ])('%s %p is refused naming the file and what is wrong', (source, more, message) => {
    expect(() => read('--source', source, ...more)).toThrow(message)
  })
})

test('the bench exits 2 on a bad recording before it asks any broker', async () => {
  const started = performance.now()
  const out = join(dir, 'out')
  // a broker that cannot answer: reaching it would fail differently, and later
  const argv = ['--source', `replay:${malformed}`, '--out', out, '--charts', join(out, 'charts')]
  expect(await runBench(argv, { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' })).toBe(2)
  expect(await runBench(['--source', `replay:${huge}`, '--out', out], { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' })).toBe(
    2,
  )
  expect(performance.now() - started).toBeLessThan(5000)
})
