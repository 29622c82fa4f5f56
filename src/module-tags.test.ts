/**
 * Module headers and the paths comments cite stay true when files move. A module's `@module` tag
 * is its path under src/ without `.ts` (`bench/broker/flags`); inside the contender it is the path
 * under src/contender/ (`kafka/ffi-sink`), the module map go/ and python/contender share. A path a
 * source comment or a doc cites from the repository root (`src/…`, `scripts/…`, …) must exist.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT } from './paths.ts'

const tracked = (...globs: string[]) =>
  Bun.spawnSync(['git', 'ls-files', ...globs], { cwd: ROOT })
    .stdout.toString()
    .trim()
    .split('\n')
    .filter(Boolean)

/** The tag a module under src/ must carry. */
function expectedTag(path: string): string {
  const base = path.startsWith('src/contender/') ? 'src/contender' : 'src'
  return relative(base, path).replace(/\.ts$/, '')
}

describe('@module tags', () => {
  test('the rule', () => {
    expect(expectedTag('src/bench/broker/flags.ts')).toBe('bench/broker/flags')
    expect(expectedTag('src/contender/kafka/ffi-sink.ts')).toBe('kafka/ffi-sink')
    expect(expectedTag('src/paths.ts')).toBe('paths')
  })

  test('every tag names its own file', () => {
    const stale: string[] = []
    for (const path of tracked('src/*.ts')) {
      const tag = readFileSync(join(ROOT, path), 'utf8').match(/^ \* @module (\S+)$/m)?.[1]
      if (tag !== undefined && tag !== expectedTag(path))
        stale.push(`${path}: @module ${tag}, not ${expectedTag(path)}`)
    }
    expect(stale).toEqual([])
  })
})

test('every repository path a source comment or a doc cites exists', () => {
  // `src/x/y.ts`, `scripts/z.ts`, …: a file path from the root with an extension; globs and the
  // tests' own made-up paths are not citations
  const cited = /(?<![\w./-])((?:src|scripts|tools|docs|schemas|config)\/[\w./-]*\.(?:ts|go|py|c|md|json))\b/g
  const missing: string[] = []
  for (const path of tracked('*.ts', '*.go', '*.py', '*.md', '*.c')) {
    if (/\.test\.ts$/.test(path)) continue
    const lines = readFileSync(join(ROOT, path), 'utf8').split('\n')
    lines.forEach((line, i) => {
      for (const [, file] of line.matchAll(cited))
        if (!existsSync(join(ROOT, file!))) missing.push(`${path}:${i + 1}: ${file}`)
    })
  }
  expect(missing).toEqual([])
})
