/**
 * @module testing/tiers
 * The test tiers, told apart by file name so that a run (scripts/test.ts, bun's test preload, a
 * conformance runner) can pick them without opening a file:
 *   unit         `*.test.ts`: no broker, no contender program; the inner loop, well under a minute
 *   conformance  `*.int.test.ts`: the contenders against a real broker (and the feed)
 *   bench        `*.bench.test.ts`: the harness's own commands end to end (`bun run bench`,
 *                `bun run kafka`, 3-node clusters, the ceiling tools)
 * Go's and Python's suites split the same way (`go test -short`, pytest's `integration` marker).
 */
import { resolve, relative, sep } from 'node:path'

export type Tier = 'unit' | 'conformance' | 'bench'
export const TIERS: readonly Tier[] = ['unit', 'conformance', 'bench']

/** The tier a bun test file belongs to, from its name alone. */
export function tierOf(path: string): Tier {
  if (path.endsWith('.int.test.ts')) return 'conformance'
  if (path.endsWith('.bench.test.ts')) return 'bench'
  return 'unit'
}

/**
 * `bun test`'s timeout for runs with integration files: bun's default is 5 s and bun reads no
 * timeout from bunfig.toml, while a hook that boots a broker or a test that runs a contender
 * takes minutes on a busy machine.
 */
export const INTEGRATION_TIMEOUT_MS = 180_000

/** Set by scripts/test.ts for the runs it starts: it checks the set-up and gives the broker itself. */
export const HARNESS_ENV = 'BENCH_TEST_HARNESS'

/** What a tier needs: the unit tier nothing, the others a broker (and the set-up's programs). */
export function needsBroker(tier: Tier): boolean {
  return tier !== 'unit'
}

/** Every bun test file under `root` (paths relative to it, `/`-separated), as `bun test` finds them. */
export function testFiles(root: string): string[] {
  const files: string[] = []
  for (const path of new Bun.Glob('**/*.test.ts').scanSync({ cwd: root, onlyFiles: true })) {
    const parts = path.split(sep)
    // bun skips node_modules and hidden folders (.cache holds set-up's copies)
    if (parts.some((p) => p === 'node_modules' || p.startsWith('.'))) continue
    files.push(parts.join('/'))
  }
  return files.sort()
}

/** `bun test` flags that take a value as the next argument (when not written `--flag=value`). */
const VALUE_FLAGS = new Set([
  '-t',
  '--test-name-pattern',
  '--timeout',
  '--rerun-each',
  '--retry',
  '--seed',
  '--coverage-reporter',
  '--coverage-dir',
  '--reporter',
  '--reporter-outfile',
  '--max-concurrency',
  '--path-ignore-patterns',
  '--shard',
  '--timings',
  '--preload',
  '-r',
  '--require',
  '--import',
  '--env-file',
  '--cwd',
  '-c',
  '--config',
  '--tsconfig-override',
  '--conditions',
  '--define',
  '-d',
  '--loader',
  '-l',
])

export interface BunTestArgs {
  /** positional arguments: path filters, as `bun test` reads them */
  filters: string[]
  /** every other argument, in order, with the values of flags that take one */
  flags: string[]
}

/** Splits `bun test` arguments into the path filters and the flags (passed on untouched). */
export function splitBunTestArgs(args: readonly string[]): BunTestArgs {
  const filters: string[] = []
  const flags: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('-')) {
      filters.push(arg)
      continue
    }
    flags.push(arg)
    if (VALUE_FLAGS.has(arg) && i + 1 < args.length) flags.push(args[++i]!)
  }
  return { filters, flags }
}

/** The values given to one flag (`--flag v` or `--flag=v`). */
export function flagValues(flags: readonly string[], name: string): string[] {
  const values: string[] = []
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!
    if (flag === name && i + 1 < flags.length) values.push(flags[i + 1]!)
    else if (flag.startsWith(`${name}=`)) values.push(flag.slice(name.length + 1))
  }
  return values
}

/**
 * The files a `bun test` run with these filters and flags would take: with no filter every file,
 * else those whose path contains a filter (a filter that names a path, `./x` or absolute, is read
 * relative to `cwd`); minus `--path-ignore-patterns` globs.
 */
export function selectFiles(files: readonly string[], args: BunTestArgs, root: string, cwd = root): string[] {
  const filters = args.filters.map((f) =>
    f.startsWith('.') || f.startsWith('/') ? relative(root, resolve(cwd, f)).split(sep).join('/') : f,
  )
  const ignores = flagValues(args.flags, '--path-ignore-patterns').map((g) => new Bun.Glob(g))
  return files.filter(
    (file) =>
      (filters.length === 0 || filters.some((f) => f === '' || file.includes(f))) &&
      !ignores.some((g) => g.match(file)),
  )
}
