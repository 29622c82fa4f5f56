import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'
import { CONTENDER_NAMES, DEFAULT_FIELD, entryOf } from '../registry/registry.ts'
import { runBench } from './main.ts'
import { fewestRounds } from '../comparison/significance.ts'
import { HELP, parseBenchOptions, replayFile } from './options.ts'
import { checkOutputDirs } from './output-dirs.ts'

const parse = (...argv: string[]) => parseBenchOptions(argv, {})

describe('bench options', () => {
  test('defaults: every contender, 5 rounds, 10 s warm-up, Upbit limits on, compression on, one broker', () => {
    const o = parse()
    expect(o.contenders).toEqual([...DEFAULT_FIELD])
    expect([o.rounds, o.warmup, o.duration, o['upbit-limits'], o['ws-compression'], o.brokers]).toEqual([
      5,
      10,
      60,
      true,
      true,
      1,
    ])
  })

  test('--ladder sends uncompressed unless --ws-compression is given; the race keeps deflate on', () => {
    expect(parse('--ladder')['ws-compression']).toBe(false)
    expect(parse('--ladder', '--ws-compression', 'on')['ws-compression']).toBe(true)
    expect(parse()['ws-compression']).toBe(true)
  })

  test('the race runs enough rounds for a 95 % verdict; the ladder and the soak, whose rounds are long, 3 unless asked', () => {
    expect(parse().rounds).toBeGreaterThanOrEqual(fewestRounds())
    expect(parse('--ladder').rounds).toBe(3)
    expect(parse('--soak').rounds).toBe(3)
    expect(parse('--ladder', '--rounds', '5').rounds).toBe(5)
    expect(parse('--rounds', '2').rounds).toBe(2)
  })

  test('--compare takes two runs and --fail-on-regression a percentage', () => {
    const o = parse('--compare', 'a', 'b', '--fail-on-regression', '2.5')
    expect(o.compareRuns).toEqual(['a', 'b'])
    expect(o['fail-on-regression']).toBe(2.5)
    expect(parse().compareRuns).toBeUndefined()
  })

  test('--contenders all races every registered contender', () => {
    expect(parse('--contenders', 'all').contenders).toEqual([...CONTENDER_NAMES])
  })

  test('--contenders as-shipped or tuned races one column of the runtime × tier grid', () => {
    const shipped = parse('--contenders', 'as-shipped').contenders
    const tuned = parse('--contenders', 'tuned').contenders
    expect(shipped.length).toBeGreaterThan(0)
    expect(tuned.length).toBeGreaterThan(0)
    expect(shipped.every((c) => entryOf(c).tier === 'as-shipped')).toBe(true)
    expect(tuned.every((c) => entryOf(c).tier === 'tuned')).toBe(true)
    expect([...shipped, ...tuned].sort()).toEqual([...CONTENDER_NAMES].sort())
  })

  test('--soak runs 600 s unless a duration is given, in either flag form', () => {
    expect(parse('--soak').duration).toBe(600)
    expect(parse('--soak', '--duration', '30').duration).toBe(30)
    expect(parse('--soak', '--duration=30').duration).toBe(30)
    expect(parseBenchOptions(['--soak'], { TEST_DURATION: '45' }).duration).toBe(45)
  })

  test.each([
    [['--duration', 'abc'], /--duration "abc": must be an integer/],
    [['--duration', '1e-9'], /must be an integer/],
    [['--rate', '1e12'], /--rate "1e12": must be an integer/],
    [['--rate', '0'], /--rate "0": must be between 1 and 1000000/],
    [['--rate', '0.0001'], /must be an integer/],
    [['--contenders', 'bun,bun'], /each contender at most once/],
    [['--contenders', 'bun,zig'], /--contenders/],
    [['--brokers', '2'], /--brokers "2"/],
    [['--warmup=5000'], /--warmup "5000": must be between 0 and 3600/],
    [['--ladder-doublings', '9'], /--ladder-doublings "9": must be between 0 and 8/],
    [['--no-such-flag'], /no-such-flag/],
    [['--source', 'replay'], /--source "replay": must be local, upbit or replay:FILE/],
    [['--source', 'replay:'], /--source "replay:": must be local, upbit or replay:FILE/],
    [['--source', 'file.jsonl'], /--source "file.jsonl": must be local, upbit or replay:FILE/],
    [['--source', 'replay:x.jsonl', '--rate', '500'], /--rate "500": does not apply to --source replay:x\.jsonl/],
    [['--source', 'replay:x.jsonl', '--seed', '1'], /--seed "1": does not apply/],
    [['--source', 'replay:x.jsonl', '--profile', 'uniform'], /--profile "uniform": does not apply/],
  ])('%p is refused naming the flag and the reason', (argv, message) => {
    expect(() => parseBenchOptions(argv as string[], {})).toThrow(message as RegExp)
  })
})

test('--source replay:FILE names a recording, relative to the project; local and upbit name none', () => {
  expect(replayFile(parse('--source', 'replay:rec/ticks.jsonl'))).toBe(join(ROOT, 'rec', 'ticks.jsonl'))
  expect(replayFile(parse('--source', 'replay:/tmp/a.jsonl'))).toBe('/tmp/a.jsonl')
  expect(replayFile(parse('--source', 'local'))).toBeUndefined()
  expect(replayFile(parse('--source', 'upbit'))).toBeUndefined()
})

test('the README shows the bench’s --help exactly as it prints', () => {
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(HELP)
})

describe('--out and --charts are checked before anything starts', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ukb-options-'))
  const file = join(scratch, 'a-file')
  writeFileSync(file, '')

  test.each([
    [{ out: file }, /--out ".*a-file": is not a directory/],
    [{ charts: file }, /--charts ".*a-file": is not a directory/],
    [{ out: join(file, 'below') }, /--out ".*below": cannot be created \(ENOTDIR\)/],
    [{ charts: '/proc/ukb-no-such-dir' }, /--charts "\/proc\/ukb-no-such-dir": cannot be created/],
    [{ out: '/proc/self' }, /--out "\/proc\/self": is not writable/],
  ])('%p is refused naming the flag, the path and the reason', (given, message) => {
    expect(() => checkOutputDirs({ out: join(scratch, 'out'), charts: join(scratch, 'charts'), ...given })).toThrow(
      message,
    )
  })

  test('a missing directory is created, a writable one taken', () => {
    const out = join(scratch, 'new', 'reports')
    checkOutputDirs({ out, charts: scratch })
    expect(statSync(out).isDirectory()).toBe(true)
  })

  test('the bench exits 2 on a bad --out before it asks any broker', async () => {
    const started = performance.now()
    // a broker that cannot answer: reaching it would fail differently, and later
    expect(await runBench(['--out', file], { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' })).toBe(2)
    expect(performance.now() - started).toBeLessThan(5000)
  })
})
