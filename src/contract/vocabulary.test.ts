/**
 * The contract owns its vocabulary: the channel list is written once (src/contract/rules.ts
 * CHANNELS) and read everywhere else, from the module in TypeScript and from contract-rules.json
 * or the env table in Go, Python and Rust, never restated. Each contract constant (the timing,
 * the settings-file rule) is bound once per language, by its contract name, from the language's
 * generated copy (Go's embedded contract-rules.json, Python's and Rust's schemas/); a hand-kept
 * number in its place, or a second reading beside the first, fails here. The copies themselves
 * are held to src/contract by src/setup/contract-files.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'
import { BACKOFF, CHANNELS, TIMING } from './rules.ts'

const RESTATED = /['"]ticker['"]\s*[,|]\s*['"]trade['"]\s*[,|]\s*['"]orderbook['"]/

const tracked = (...paths: string[]) =>
  Bun.spawnSync(['git', 'ls-files', ...paths], { cwd: ROOT })
    .stdout.toString()
    .trim()
    .split('\n')
    .filter(Boolean)

const isTest = (f: string) =>
  /(\.test\.ts|\.fixture\.ts|_test\.go|\/tests\.rs)$/.test(f) ||
  f.startsWith('python/tests/') ||
  f.includes('/testing/')

/**
 * A source's code: without its tests (Rust keeps its unit tests in the file, after
 * `#[cfg(test)]`) and its comment lines, which may cite a constant the code no longer reads.
 */
function code(file: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8')
  return (file.endsWith('.rs') ? text.split('#[cfg(test)]')[0]! : text)
    .split('\n')
    .filter((line) => !/^\s*(\/\/|#|\*|\/\*)/.test(line))
    .join('\n')
}

test('the channel list is written only in the contract', () => {
  const sources = tracked('src', 'go', 'python', 'rust', 'scripts', 'tools')
    .filter((f) => /\.(ts|go|py|rs|c|h)$/.test(f) && f !== 'src/contract/rules.ts')
    .filter((f) => !isTest(f))
  const restated = sources.filter((f) => RESTATED.test(code(f)))
  expect(restated).toEqual([])
})

/**
 * Each contender language's own sources: its copy of the contract (which only loads the
 * generated file) and its tests are left out. TypeScript's contenders share src/contender and
 * read the settings file through src/librdkafka.
 */
const LANGUAGES: Record<string, (f: string) => boolean> = {
  typescript: (f) => /^src\/(contender|librdkafka)\/.*\.ts$/.test(f),
  go: (f) => /^go\/.*\.go$/.test(f) && !f.startsWith('go/internal/contract/'),
  python: (f) => /^python\/contender\/.*\.py$/.test(f) && f !== 'python/contender/contract.py',
  rust: (f) => /^rust\/src\/.*\.rs$/.test(f) && f !== 'rust/src/contract.rs',
}

/**
 * Each constant as every language reads it from the contract, its group and its name (case
 * aside): TIMING.backoffCapMs, Timing.BackoffCapMs, timing()["backoffCapMs"], &["timing",
 * "backoffCapMs"]. A variable merely named after it (Go's `BackoffCapMs = 16000`) is no reading.
 */
const CONSTANTS: Record<string, RegExp> = {
  ...Object.fromEntries(Object.keys(TIMING).map((k) => [`timing.${k}`, new RegExp(`timing\\W{1,6}${k}`, 'i')])),
  ...Object.fromEntries(Object.keys(BACKOFF).map((k) => [`backoff.${k}`, new RegExp(`backoff\\W{1,6}${k}`, 'i')])),
  'settingsFile.maxBytes': /settings_?file\W{1,6}max_?bytes/i,
  'settingsFile.commentPrefix': /settings_?file\W{1,6}comment_?prefix/i,
}

describe('each contract constant is bound once per language, from the generated copy', () => {
  const sources = tracked('src', 'go', 'python', 'rust').filter((f) => !isTest(f))
  test.each(Object.keys(LANGUAGES))('%s', (language) => {
    const files = sources.filter(LANGUAGES[language]!)
    const bindings = Object.fromEntries(
      Object.entries(CONSTANTS).map(([name, spelled]) => [name, files.filter((f) => spelled.test(code(f)))]),
    )
    // none: the number is kept by hand (or the rule not applied); two: a second copy to drift
    const wrong = Object.entries(bindings)
      .filter(([, where]) => where.length !== 1)
      .map(([name, where]) => `${name}: read in ${where.length === 0 ? 'no file (kept by hand?)' : where.join(', ')}`)
    expect(wrong).toEqual([])
  })
})

test('no program restates the settings-file comment rule by hand', () => {
  // a comment key dropped by its own `$` test (or only `$comment`) instead of the contract's prefix
  const handKept = /(startsWith|HasPrefix|startswith|starts_with)\([^)]*['"]\$|['"]\$comment['"]/
  const restated = tracked('src', 'go', 'python', 'rust', 'scripts', 'tools')
    .filter((f) => /\.(ts|go|py|rs|c|h)$/.test(f) && !isTest(f))
    .filter((f) => handKept.test(code(f)))
  expect(restated).toEqual([])
})

test('the generated rules carry the channels, the timing and the backoff for Go, Python and Rust', () => {
  const rules = JSON.parse(readFileSync(join(ROOT, 'schemas', 'contract-rules.json'), 'utf8'))
  expect(rules.channels).toEqual([...CHANNELS])
  expect(rules.timing).toEqual({ ...TIMING })
  expect(rules.backoff).toEqual({ ...BACKOFF })
})
