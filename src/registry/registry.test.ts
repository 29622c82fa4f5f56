/**
 * The registry is the one place that names contenders: its entries are well formed, and no other
 * source file (tests and each contender's own program aside) holds a registered name as a string.
 */
import { describe, expect, test } from 'bun:test'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ROOT } from '../paths.ts'
import { ContenderName } from './entry.ts'
import { CONTENDER_NAMES, DEFAULT_FIELD, entryOf, REGISTRY } from './registry.ts'

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path)
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.fixture.ts') ? [path] : []
  })
}

/**
 * Where a quoted registered name appears as something other than a contender: an import specifier
 * (`from 'bun'`), the executable of a command (`['go', 'build', ...]`), a tool looked up on PATH or
 * in a venv's bin/.
 */
const TOOL_USE = [/from\s+$/, /\[\s*$/, /Bun\.which\(\s*$/, /'bin',\s*$/]

/** `file:line: 'name'` for every quoted registered name outside the registry, tests and contenders' programs. */
export function namesOutsideRegistry(): string[] {
  const found: string[] = []
  const files = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'scripts')), ...sources(join(ROOT, 'tools'))]
  for (const file of files) {
    const rel = relative(ROOT, file)
    // the registry, and each contender's own program (src/contender: the TypeScript contenders' source)
    if (rel.startsWith('src/registry/') || rel.startsWith('src/contender/')) continue
    const text = readFileSync(file, 'utf8')
    for (const name of CONTENDER_NAMES) {
      for (const m of text.matchAll(new RegExp(`(['"\`])${name}\\1`, 'g'))) {
        const before = text.slice(Math.max(0, m.index - 40), m.index)
        if (TOOL_USE.some((r) => r.test(before))) continue
        const line = text.slice(0, m.index).split('\n').length
        found.push(`${rel}:${line}: ${m[0]}`)
      }
    }
  }
  return found
}

describe('the registry', () => {
  test('names are unique and legal (a topic suffix, a header value, a file name)', () => {
    expect(new Set(CONTENDER_NAMES).size).toBe(CONTENDER_NAMES.length)
    for (const name of CONTENDER_NAMES) expect(ContenderName.safeParse(name).success).toBe(true)
    expect(() => entryOf('no-such-contender')).toThrow(/registered: /)
  })

  test('every entry declares sources that exist, a tier, and a distinct colour', () => {
    for (const e of REGISTRY) {
      for (const s of e.sources)
        expect({ name: e.name, source: s, exists: existsSync(join(ROOT, s)) }).toMatchObject({ exists: true })
      expect(['as-shipped', 'tuned']).toContain(e.tier)
      expect(e.glue.length).toBeGreaterThan(10)
    }
    expect(new Set(REGISTRY.map((e) => e.color)).size).toBe(REGISTRY.length)
  })

  test('the default field: registered contenders as shipped, one per runtime; every runtime has an as-shipped one', () => {
    const runtimes = (names: readonly string[]) => names.map((n) => entryOf(n).runtime.name)
    expect(DEFAULT_FIELD.every((n) => entryOf(n).tier === 'as-shipped')).toBe(true)
    expect(new Set(runtimes(DEFAULT_FIELD)).size).toBe(DEFAULT_FIELD.length)
    const shipped = CONTENDER_NAMES.filter((n) => entryOf(n).tier === 'as-shipped')
    expect([...new Set(runtimes(shipped))].sort()).toEqual([...new Set(runtimes(CONTENDER_NAMES))].sort())
  })

  test('at most one as-shipped contender answers each column of the original project', () => {
    for (const column of ['Go', 'Python'] as const) {
      expect(REGISTRY.filter((e) => e.original === column && e.tier === 'as-shipped').length).toBeLessThanOrEqual(1)
    }
  })

  test('no source outside the registry, the tests and the contenders names a contender', () => {
    expect(namesOutsideRegistry()).toEqual([])
  })
})
