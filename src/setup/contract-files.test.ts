/**
 * The contract has one source (src/contract) and its copies cannot drift: the JSON Schema and
 * tables Go and Python read, and the env table in docs/contenders.md, must be exactly what the
 * source generates. Editing a copy alone (or the source without running set-up) fails here.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ENV } from '../contract/env.ts'
import { ROOT } from '../paths.ts'
import { contractFiles, envTableMarkdown, staleContractFiles } from './contract-files.ts'

describe('the contract’s generated copies', () => {
  test('are all checked in and fresh (run `bun run setup` to regenerate)', () => {
    expect(staleContractFiles(ROOT)).toEqual([])
  })

  test('cover the report, the events, the env table and the rules, for schemas/ and for Go', () => {
    const paths = Object.keys(contractFiles(ROOT))
    for (const name of ['report.schema.json', 'events.schema.json', 'contender-env.json', 'contract-rules.json']) {
      expect(paths).toContain(`schemas/${name}`)
      expect(paths).toContain(`go/internal/contract/${name}`)
    }
    expect(paths).toContain('docs/contenders.md')
  })

  test('the docs table has one row per variable with its default and bounds', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'contenders.md'), 'utf8')
    expect(doc).toContain(envTableMarkdown())
    const duration = ENV.find((v) => v.name === 'TEST_DURATION')!
    expect(doc).toContain(
      `| \`TEST_DURATION\` | \`--test-duration\` | \`${duration.default}\` | integer ${duration.min}–${duration.max} |`,
    )
  })

  test('a changed default would show up as stale copies everywhere at once', () => {
    const row = ENV.find((v) => v.name === 'PING_INTERVAL_MS')!
    const before = row.default
    try {
      ;(row as { default?: string }).default = '25000'
      const stale = staleContractFiles(ROOT)
      expect(stale).toContain('schemas/contender-env.json')
      expect(stale).toContain('go/internal/contract/contender-env.json')
      expect(stale).toContain('docs/contenders.md')
    } finally {
      ;(row as { default?: string }).default = before
    }
  })
})
