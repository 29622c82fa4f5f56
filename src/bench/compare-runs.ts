/**
 * @module bench/compare-runs
 * `bun run bench --compare A B [--fail-on-regression PCT]`: reads two finished runs (no broker,
 * no feed, no contender), prints their delta (comparison/run-delta) and returns the exit code: 2
 * when A or B is missing or not a run (named), 1 when --fail-on-regression finds a figure worse by
 * more than PCT % beyond noise, 0 otherwise.
 */
import { resolve } from 'node:path'
import { deltaRows, regressions, renderDelta } from '../comparison/run-delta.ts'
import { loadRun, RunLoadError, type LoadedRun } from '../comparison/runs.ts'
import { ROOT } from '../paths.ts'
import type { BenchOptions } from './options.ts'

export function compareRuns(
  o: Pick<BenchOptions, 'out' | 'compareRuns' | 'fail-on-regression'>,
  print: (line: string) => void = console.log,
  printError: (line: string) => void = console.error,
): number {
  const [a, b] = o.compareRuns!
  const outDir = resolve(ROOT, o.out)
  let runs: [LoadedRun, LoadedRun]
  try {
    runs = [loadRun(a, outDir, process.cwd()), loadRun(b, outDir, process.cwd())]
  } catch (error) {
    if (!(error instanceof RunLoadError)) throw error
    printError(`--compare ${error.message}`)
    return 2
  }
  const rows = deltaRows(...runs)
  print(renderDelta(...runs, rows))
  const pct = o['fail-on-regression']
  if (pct === undefined) return 0
  const worse = regressions(rows, pct)
  for (const r of worse)
    print(
      `REGRESSION: ${r.contender} ${r.metric.group}: ${r.metric.label} got worse by more than ${pct} % (new ÷ old ${r.interval!.ratio.toFixed(3)}, interval ${r.interval!.low.toFixed(3)}–${r.interval!.high.toFixed(3)})`,
    )
  if (worse.length === 0) print(`no figure got worse by more than ${pct} % beyond noise`)
  return worse.length > 0 ? 1 : 0
}
