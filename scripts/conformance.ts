/**
 * `bun run conformance NAME [NAME...]`: the conformance suite (src/conformance/suite.ts) for each
 * named registered contender in turn, against one embedded broker (or KAFKA_BOOTSTRAP_SERVERS),
 * then a table of every check and the totals. The record it leaves under .cache/conformance/ is
 * what lets the contender race (`bun run bench` refuses one whose record for its build failed).
 */
import { useKafka } from '../src/bench/broker/embedded.ts'
import { onShutdown, once } from '../src/bench/shutdown.ts'
import { conformanceTable, runConformance, totals } from '../src/conformance/run.ts'
import { CONFORMANCE_FILES } from '../src/conformance/suite.ts'
import { CONTENDER_NAMES, isRegistered } from '../src/registry/registry.ts'
import { parseCli, usageError, type EntryPoint } from '../src/entry-point.ts'

const HELP = `bun run conformance NAME [NAME...] [options]

Runs the conformance suite against each named contender, one at a time, with one real broker
and the local feed, and prints a table of what passed. Registered: ${CONTENDER_NAMES.join(', ')}.

  --all          every registered contender
  -t PATTERN     only the checks whose name matches (a partial run records nothing)
  --help         this text

Files: ${CONFORMANCE_FILES.join(', ')}
Exit: 0 every check passed for every contender; 1 a check failed; 2 bad arguments.`

const ENTRY: EntryPoint = { name: 'conformance', command: 'bun run conformance', usage: HELP }
const usage = (message: string): never => usageError(ENTRY, message)

const parsed = parseCli(ENTRY, {
  options: { all: { type: 'boolean' }, t: { type: 'string' } },
  allowPositionals: true,
})
const names = parsed.values.all ? [...CONTENDER_NAMES] : parsed.positionals
if (names.length === 0) usage(`name a contender (${CONTENDER_NAMES.join(', ')}) or --all`)
for (const name of names)
  if (!isRegistered(name)) usage(`unknown contender "${name}"; registered: ${CONTENDER_NAMES.join(', ')}`)

const kafka = await useKafka()
const stop = once(() => kafka.stop())
const off = onShutdown(stop)
let failed = 0
const summary: string[] = []
try {
  for (const name of names) {
    console.log(`\n== conformance ${name}: ${CONFORMANCE_FILES.length} files against ${kafka.bootstrap}`)
    const started = performance.now()
    const run = await runConformance(name, kafka.env, { filter: parsed.values.t })
    const t = totals(run.record)
    console.log(`\n== conformance ${name}\n${conformanceTable(run.record)}`)
    const seconds = ((performance.now() - started) / 1000).toFixed(0)
    summary.push(
      `${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped in ${seconds} s${run.recordPath ? ` (record ${run.recordPath})` : ''}`,
    )
    if (t.failed > 0 || run.exitCode !== 0) failed++
  }
} finally {
  off()
  await stop()
}
console.log(`\n${summary.join('\n')}`)
process.exit(failed === 0 ? 0 : 1)
