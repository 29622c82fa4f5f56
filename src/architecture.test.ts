/**
 * The layout's rules, checked on every import (type-only imports included): no import cycles, no
 * module under src/ imports scripts/ (entry points), the contract imports nothing of the project,
 * the contender does not import the harness or the comparison, the harness (bench, set-up,
 * ceilings, comparison, scripts) does not import a contender's internals (it runs contenders as
 * programs and reads what the contract says they write), and librdkafka/ defines what it exports.
 */
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const SRC = import.meta.dir
const ROOT = resolve(SRC, '..')
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : walk(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** module (path from the repository root) → the modules it imports */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of [...walk(SRC), ...walk(join(ROOT, 'scripts'))]) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(IMPORT)].map((m) => relative(ROOT, resolve(dirname(file), m[1] ?? m[2]!)))
    graph.set(relative(ROOT, file), targets)
  }
  return graph
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string) => {
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return found
}

describe('the import graph', () => {
  const graph = importGraph()
  const from = (prefix: string) => [...graph].filter(([file]) => file.startsWith(prefix))

  test('finds the modules (the check is not vacuous)', () => {
    expect(graph.size).toBeGreaterThan(50)
    expect(graph.get('src/bench/race.ts')).toContain('src/bench/round.ts')
  })

  test('has no cycles, type-level imports included', () => {
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([])
  })

  test('nothing under src/ imports scripts/', () => {
    expect(from('src/').filter(([, targets]) => targets.some((t) => t.startsWith('scripts/')))).toEqual([])
  })

  test('the contract is a leaf: it imports only itself', () => {
    // its own tests may use fixtures from elsewhere
    const leaks = from('src/contract/').filter(
      ([file, targets]) => !file.endsWith('.test.ts') && targets.some((t) => !t.startsWith('src/contract/')),
    )
    expect(leaks).toEqual([])
  })

  test('the contender imports neither the harness nor the comparison nor the feed', () => {
    const outside = ['src/bench/', 'src/comparison/', 'src/feed/', 'src/ceilings/']
    const bad = from('src/contender/')
      .filter(([file]) => !file.endsWith('.test.ts'))
      .filter(([, targets]) => targets.some((t) => outside.some((o) => t.startsWith(o))))
    expect(bad).toEqual([])
  })

  test('the harness, set-up, the ceilings, the comparison and the scripts import no contender internals', () => {
    // tests included: they judge contenders by their output, as the bench does
    const harness = ['src/bench/', 'src/setup/', 'src/ceilings/', 'src/comparison/', 'scripts/']
    const bad = [...graph]
      .filter(([file]) => harness.some((h) => file.startsWith(h)))
      .flatMap(([file, targets]) => targets.filter((t) => t.startsWith('src/contender/')).map((t) => `${file} → ${t}`))
    expect(bad).toEqual([])
  })

  test('librdkafka/ imports only itself, the contract and the paths: the types it exports are its own', () => {
    const allowed = ['src/librdkafka/', 'src/contract/', 'src/paths.ts']
    const bad = from('src/librdkafka/').flatMap(([file, targets]) =>
      targets.filter((t) => !allowed.some((a) => t.startsWith(a))).map((t) => `${file} → ${t}`),
    )
    expect(bad).toEqual([])
  })

  test('each TypeScript contender loads only modules its runtime can run: Bun.*, bun: and Deno.* stay in their own', () => {
    // what a runtime's entry point loads, transitively
    const closure = (entry: string) => {
      const seen = new Set<string>()
      const visit = (file: string) => {
        if (seen.has(file)) return
        seen.add(file)
        for (const next of graph.get(file) ?? []) visit(next)
      }
      visit(entry)
      return [...seen]
    }
    // the code, not its comments (which may well name another runtime's API)
    const code = (file: string) =>
      readFileSync(join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:])\/\/.*$/gm, '$1')
    const uses = (file: string, api: RegExp) => api.test(code(file))
    const BUN = /\bBun\.|from ['"]bun(?::\w+)?['"]/
    const DENO = /\bDeno\.|globalThis\.Deno/
    const foreign = (entry: string, apis: RegExp[]) =>
      closure(entry).filter((file) => apis.some((api) => uses(file, api)))
    // the Deno contender's namespace is reached only through deno-api.ts
    expect(foreign('src/contender/main-deno.ts', [BUN])).toEqual([])
    expect(foreign('src/contender/main-deno-tuned.ts', [BUN])).toEqual([])
    expect(foreign('src/contender/main-node.ts', [BUN, DENO])).toEqual([])
    expect(foreign('src/contender/main-node-tuned.ts', [BUN, DENO])).toEqual([])
    expect(foreign('src/contender/main-bun.ts', [DENO])).toEqual([])
  })
})
