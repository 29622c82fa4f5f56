/**
 * @module comparison/runs
 * A finished run read back from disk, for `bun run bench --compare A B`: by run id (the bench's
 * <out>/runs/<id>/) or by a directory holding a run's reports, in the layouts the bench writes
 * (src/bench/publish.ts): a run directory (round-N/{contender}_performance_report.json), an
 * output directory (performance_comparison_input.json, every round's reports inside), or a
 * directory of one round's {contender}_performance_report.json. Every file is read as a regular
 * file of bounded size, every report checked against the contract's schema.
 */
import { closeSync, constants, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Report } from '../contract/report.ts'

/** A report or a comparison input larger than this is not one the bench wrote. */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024

/** Why A or B cannot be compared; the message names the value as given. */
export class RunLoadError extends Error {
  override name = 'RunLoadError'
}

export interface LoadedRun {
  /** the value as given */
  given: string
  /** the directory it was read from */
  dir: string
  /** which of the bench's layouts it was */
  layout: 'run directory' | 'comparison input' | 'reports directory'
  rounds: Report[][]
}

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message

/** A regular file of at most MAX_RUN_FILE_BYTES (a FIFO or a device must not hang the compare). */
function readBounded(path: string): string {
  if (!statSync(path).isFile()) throw new Error('not a regular file')
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const buffer = Buffer.alloc(Math.min(statSync(path).size, MAX_RUN_FILE_BYTES) + 1)
    let length = 0
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > MAX_RUN_FILE_BYTES) throw new Error(`larger than ${MAX_RUN_FILE_BYTES} bytes`)
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

function readJson(given: string, path: string): unknown {
  try {
    return JSON.parse(readBounded(path))
  } catch (error) {
    throw new RunLoadError(`${JSON.stringify(given)}: ${path} cannot be read as JSON (${errno(error)})`)
  }
}

function parseReport(given: string, where: string, raw: unknown): Report {
  const parsed = Report.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw new RunLoadError(
    `${JSON.stringify(given)}: ${where} is not a valid report (${issue.path.join('.')}: ${issue.message})`,
  )
}

const REPORT = /^(.+)_performance_report\.json$/

/** One directory's reports, in file-name order. */
function reportsIn(given: string, dir: string): Report[] {
  return readdirSync(dir)
    .filter((name) => REPORT.test(name))
    .sort()
    .map((name) => parseReport(given, join(dir, name), readJson(given, join(dir, name))))
}

const roundNumber = (name: string) => Number(/^round-([0-9]+)$/.exec(name)?.[1] ?? NaN)

/**
 * The run named by `given`: a run id under `<outDir>/runs/`, or a directory (relative to `base`).
 * Throws RunLoadError naming the value when it is missing or holds no run.
 */
export function loadRun(given: string, outDir: string, base: string): LoadedRun {
  const byId = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(given) ? join(outDir, 'runs', given) : undefined
  const dir = byId && existsSync(byId) ? byId : resolve(base, given)
  let isDir: boolean
  try {
    isDir = statSync(dir).isDirectory()
  } catch (error) {
    throw new RunLoadError(
      `${JSON.stringify(given)}: no such run (${byId ? `not a run id under ${join(outDir, 'runs')}, ` : ''}${dir}: ${errno(error)})`,
    )
  }
  if (!isDir) throw new RunLoadError(`${JSON.stringify(given)}: ${dir} is not a directory`)
  const input = join(dir, 'performance_comparison_input.json')
  if (existsSync(input)) {
    const raw = readJson(given, input) as { rounds?: unknown }
    if (!Array.isArray(raw?.rounds))
      throw new RunLoadError(`${JSON.stringify(given)}: ${input} has no rounds (not a comparison input)`)
    const rounds = raw.rounds.map((round: unknown, r: number) =>
      (Array.isArray(round) ? round : []).map((report: unknown, i: number) =>
        parseReport(given, `${input} rounds[${r}][${i}]`, report),
      ),
    )
    return nonEmpty({ given, dir, layout: 'comparison input', rounds })
  }
  const roundDirs = readdirSync(dir)
    .filter((name) => Number.isInteger(roundNumber(name)) && statSync(join(dir, name)).isDirectory())
    .sort((a, b) => roundNumber(a) - roundNumber(b))
  if (roundDirs.length > 0)
    return nonEmpty({
      given,
      dir,
      layout: 'run directory',
      rounds: roundDirs.map((name) => reportsIn(given, join(dir, name))),
    })
  return nonEmpty({ given, dir, layout: 'reports directory', rounds: [reportsIn(given, dir)] })
}

function nonEmpty(run: LoadedRun): LoadedRun {
  const rounds = run.rounds.filter((round) => round.length > 0)
  if (rounds.length === 0)
    throw new RunLoadError(
      `${JSON.stringify(run.given)}: ${run.dir} is not a run (no round-N/ with *_performance_report.json, no performance_comparison_input.json, no *_performance_report.json)`,
    )
  return { ...run, rounds }
}
