/**
 * `bun scripts/noise.ts RUN...`: the noise of finished runs (run ids under reports/runs/, or
 * directories holding a run's reports, as `bun run bench --compare` reads them): per contender,
 * each round's CPU per delivered message, its coefficient of variation over the rounds, and the
 * rounds a side the comparison's interval needs to tell a 10 % difference apart at 95 % with 90 %
 * power (comparison/significance roundsToDetect). This is how the default `--rounds` was chosen
 * (docs/performance.md, "How many rounds").
 */
import { resolve } from 'node:path'
import { coefficientOfVariation, rootMeanSquare } from 'simple-statistics'
import { loadRun, RunLoadError } from '../src/comparison/runs.ts'
import { table } from '../src/comparison/markdown.ts'
import { fewestRounds, normalTheoryRounds, roundsToDetect } from '../src/comparison/significance.ts'
import { EXIT_USAGE, parseCli, usageError, type EntryPoint } from '../src/entry-point.ts'
import { ROOT } from '../src/paths.ts'

const ENTRY: EntryPoint = {
  name: 'noise',
  command: 'bun scripts/noise.ts',
  usage: `bun scripts/noise.ts [--out DIR] RUN...

Per contender of each RUN (a run id under DIR/runs/, or a directory holding a run's reports):
CPU per delivered message in every round, its coefficient of variation (sample standard
deviation ÷ mean) and the rounds a side needed to tell a 10 % CPU difference apart with the
comparison's 95 % interval 90 % of the time (simulated with that interval), never fewer than
${fewestRounds()}, the least that can reach 95 %; past 10, the normal-theory estimate.

  --out DIR   where the bench's reports are (default reports)`,
}

const { values, positionals } = parseCli(ENTRY, {
  options: { out: { type: 'string', default: 'reports' } },
  allowPositionals: true,
})
if (positionals.length === 0) usageError(ENTRY, 'name at least one run')

/** Past this many rounds a side no default is sane; the simulation stops there (it slows with n). */
const SANE = 10

const rounds = (cv: number) =>
  String(roundsToDetect(cv, 0.1, 0.9, SANE) ?? `> ${SANE} (normal theory, optimistic: ${normalTheoryRounds(cv)})`)

const cvs: number[] = []
for (const given of positionals) {
  let run
  try {
    run = loadRun(given, resolve(ROOT, values.out!), process.cwd())
  } catch (error) {
    if (!(error instanceof RunLoadError)) throw error
    console.error(`noise: ${error.message}`)
    process.exit(EXIT_USAGE)
  }
  const byContender = new Map<string, number[]>()
  for (const report of run.rounds.flat())
    byContender.set(report.contender, [...(byContender.get(report.contender) ?? []), report.cpu.usPerDeliveredMessage])
  const rows = [...byContender].map(([contender, cpu]) => {
    const cv = cpu.length > 1 ? coefficientOfVariation(cpu) : NaN
    if (Number.isFinite(cv)) cvs.push(cv)
    return [
      contender,
      cpu.map((x) => x.toFixed(1)).join(' / '),
      Number.isFinite(cv) ? `${(cv * 100).toFixed(1)} %` : '—',
      Number.isFinite(cv) ? rounds(cv) : '—',
    ]
  })
  console.log(`\n${run.dir} (${run.rounds.length} rounds)\n`)
  console.log(table(['contender', 'CPU µs/msg by round', 'CV', 'rounds for 10 %'], rows))
}
if (cvs.length > 0) {
  const pooled = rootMeanSquare(cvs)
  console.log(
    `\npooled CV (root mean square over contenders): ${(pooled * 100).toFixed(1)} % → ${rounds(pooled)} rounds a side; ` +
      `worst ${(Math.max(...cvs) * 100).toFixed(1)} % → ${rounds(Math.max(...cvs))}`,
  )
}
