/**
 * Small modules, one concern each: no source file of the project (any language, tests and
 * fixtures aside) grows past 300 lines. A file that does is split along its seams, as the
 * contenders' large files were; this catches the next one when it lands, not at a review.
 */
import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './paths.ts'

const MAX_LINES = 300
const SOURCE = /\.(ts|go|py|rs|c|h|sh)$/
const TEST_OR_FIXTURE = /(\.test\.ts|_test\.go|\.fixture\.ts)$|(^|\/)tests?\/|(^|\/)test_[^/]*\.py$/

test(`no source file is over ${MAX_LINES} lines`, () => {
  const files = Bun.spawnSync(['git', 'ls-files'], { cwd: ROOT })
    .stdout.toString()
    .split('\n')
    .filter((f) => SOURCE.test(f) && !TEST_OR_FIXTURE.test(f))
  expect(files.length).toBeGreaterThan(100)
  const long = files
    .map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1] as const)
    .filter(([, lines]) => lines > MAX_LINES)
    .map(([f, lines]) => `${f}: ${lines} lines`)
  expect(long).toEqual([])
})
