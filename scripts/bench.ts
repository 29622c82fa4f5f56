/**
 * `bun run bench`: the fair race (or `--ladder`, `--soak`); see `--help` and src/bench/main.ts.
 * A failure the user can act on prints one line, never a stack trace.
 */
import { runBench } from '../src/bench/main.ts'
import { shutdownInProgress } from '../src/bench/shutdown.ts'

runBench(process.argv.slice(2), process.env).then(
  // after a signal, the shutdown handler exits with 128 + signal once everything is stopped
  (code) => shutdownInProgress() || process.exit(code),
  (error) => {
    if (shutdownInProgress()) return
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    if (process.env.BENCH_DEBUG) console.error(error?.stack)
    process.exit(1)
  },
)
