/**
 * The contract owns its vocabulary: the channel list is written once (src/contract/rules.ts
 * CHANNELS) and read everywhere else, from the module in TypeScript and from contract-rules.json
 * or the env table in Go and Python, never restated.
 */
import { expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'
import { CHANNELS, TIMING } from './rules.ts'

const RESTATED = /['"]ticker['"]\s*[,|]\s*['"]trade['"]\s*[,|]\s*['"]orderbook['"]/

test('the channel list is written only in the contract', () => {
  const sources = Bun.spawnSync(['git', 'ls-files', 'src', 'go', 'python', 'scripts'], { cwd: ROOT })
    .stdout.toString()
    .trim()
    .split('\n')
    .filter((f) => /\.(ts|go|py)$/.test(f) && f !== 'src/contract/rules.ts')
    .filter((f) => !/(\.test\.ts|_test\.go)$/.test(f) && !f.startsWith('python/tests/'))
  const restated = sources.filter((f) => RESTATED.test(readFileSync(join(ROOT, f), 'utf8')))
  expect(restated).toEqual([])
})

test('the generated rules carry the channels and the timing for Go and Python', () => {
  const rules = JSON.parse(readFileSync(join(ROOT, 'schemas', 'contract-rules.json'), 'utf8'))
  expect(rules.channels).toEqual([...CHANNELS])
  expect(rules.timing).toEqual({ ...TIMING })
})
