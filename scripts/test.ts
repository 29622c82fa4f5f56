/**
 * `bun run test` (`--help`: HELP below): the whole suite against real parts, tier by tier (src/testing/tiers.ts):
 *   lint → unit (bun, no broker) → Kafka → conformance (bun) → bench (bun) → each registered
 * contender's own suite in its language (src/registry: go test, pytest, ...), then each step's time. One embedded Kafka broker (`--brokers 3`: a 3-node cluster; or
 * KAFKA_BOOTSTRAP_SERVERS) serves every step after the unit tier.
 *   --unit          the inner loop: bun's unit files and each language suite's unit part (`go
 *                   test -short`, pytest without the `integration` marker); no broker, no lint
 *   --conformance / --bench   only bun's files of that tier (with the broker); combinable
 * Other arguments go to `bun test`: path filters (e.g. `bun run test src/feed`, which then skips
 * lint and the language suites and starts Kafka only when a selected file needs it) and bun's
 * flags (`-t NAME`). `--no-languages` / `--no-lint` skip those steps.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { useKafka, type KafkaHandle } from '../src/bench/broker/embedded.ts'
import { takeBrokersFlag } from '../src/bench/broker/flags.ts'
import { onShutdown, once } from '../src/bench/shutdown.ts'
import { tethered } from '../src/bench/tether.ts'
import { FailureDigest } from '../src/testing/failure-digest.ts'
import { PATHS, ROOT } from '../src/paths.ts'
import type { CheckCommand } from '../src/registry/entry.ts'
import { ownChecks } from '../src/registry/registry.ts'
import { answerHelp, usageError, type EntryPoint } from '../src/entry-point.ts'
import {
  HARNESS_ENV,
  INTEGRATION_TIMEOUT_MS,
  selectFiles,
  splitBunTestArgs,
  testFiles,
  tierOf,
  TIERS,
  type Tier,
} from '../src/testing/tiers.ts'

/**
 * Unit tests are quick, but bun's 5 s default would assert speed on a busy machine, and with CI's
 * empty Go cache the compose checker's build (tools/compose-check) downloads its modules first.
 */
const UNIT_TIMEOUT_MS = INTEGRATION_TIMEOUT_MS
const OWN_FLAGS = new Set(['--no-languages', '--no-lint', '--unit', '--conformance', '--bench'])
const ENTRY: EntryPoint = {
  name: 'test',
  command: 'bun run test',
  usage: `bun run test [options] [PATH...] [bun test flags]

The whole suite against real parts, tier by tier: lint, unit (no broker), Kafka, conformance,
bench, then each registered contender's own suite in its language; then each step's time.
  --unit           the inner loop: the unit tier of every language, no broker, no lint
  --conformance    only bun's conformance files (with one broker); combinable with --bench
  --bench          only bun's bench files (with one broker)
  --brokers 1|3    one broker (default) or a 3-node cluster for every step after the unit tier
  --no-languages   skip the contenders' own suites (go test, pytest, ...)
  --no-lint        skip the lint step
PATH filters (e.g. src/feed) and bun test's own flags (-t NAME, --bail, ...; \`bun test --help\`)
go to \`bun test\`; with a filter, lint and the language suites are skipped.
Exit: 0 every step passed; 1 a step failed; 2 bad arguments.`,
}
answerHelp(ENTRY, process.argv.slice(2))

/** The flags `bun test` takes, read from its own --help so a newer bun's flags pass too. */
function bunTestFlags(): Set<string> {
  const help = Bun.spawnSync(['bun', 'test', '--help'], { stdout: 'pipe', stderr: 'pipe' }).stdout.toString()
  return new Set(help.match(/(?<=^\s*(?:-\w, )?)--?[\w-]+/gm) ?? [])
}

let taken: ReturnType<typeof takeBrokersFlag>
try {
  taken = takeBrokersFlag(process.argv.slice(2))
} catch (error) {
  usageError(ENTRY, (error as Error).message)
}
const { brokers, rest: args } = taken
const bunArgs = splitBunTestArgs(args.filter((a) => !OWN_FLAGS.has(a)))
{
  const known = bunTestFlags()
  const unknown = bunArgs.flags.find((f) => f.startsWith('-') && !known.has(f.split('=')[0]!))
  if (unknown !== undefined) usageError(ENTRY, `unknown option ${JSON.stringify(unknown)}`)
}
const picked = TIERS.filter((t) => args.includes(`--${t}`))
const tiers = picked.length > 0 ? picked : TIERS
const everything = bunArgs.filters.length === 0
// the languages' own suites: in full in the whole run; their unit parts with --unit
const languages = everything && (picked.length === 0 || picked.includes('unit'))
const short = picked.includes('unit')
const started = performance.now()
const withoutKafka = (env: NodeJS.ProcessEnv) => {
  const { KAFKA_BOOTSTRAP_SERVERS: _, ...rest } = env
  return rest
}

interface Step {
  name: string
  ok: boolean
  seconds: number
  /** the failed tests with the lines before each, repeated at the end where CI's tail shows them */
  digest?: string
  /** files whose failed tests passed when run once more */
  flaky?: string[]
}
const steps: Step[] = []

/**
 * A bun step whose failed tests are all in a few files runs those files once more: a test that
 * fails and then passes is reported as flaky (its failure printed, named in the time plan and the
 * last line), not as a pass, and one that fails twice fails the run.
 */
const MAX_RERUN_FILES = 3

async function runOnce(
  cmd: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; digest: FailureDigest }> {
  // tethered: a SIGKILLed `bun run test` takes its suites (and through them their brokers) along
  const proc = Bun.spawn(tethered(cmd), { cwd, env, stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const digest = new FailureDigest()
  const relay = async (stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream) => {
    const decoder = new TextDecoder()
    const reader = stream.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      out.write(r.value)
      digest.push(decoder.decode(r.value, { stream: true }))
    }
  }
  await Promise.all([relay(proc.stdout, process.stdout), relay(proc.stderr, process.stderr)])
  digest.end()
  return { ok: (await proc.exited) === 0, digest }
}

async function runStep(
  name: string,
  cmd: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  rerun?: (files: string[]) => string[],
): Promise<void> {
  console.log(`\n== ${name}: ${shown(cmd)}`)
  const started = performance.now()
  const first = await runOnce(cmd, cwd, env)
  let ok = first.ok
  let flaky: string[] = []
  const files = [...first.digest.failedFiles]
  if (!ok && rerun && files.length > 0 && files.length <= MAX_RERUN_FILES) {
    console.log(`\n== ${name}: once more, the file(s) with failed tests, to tell flaky from broken: ${files.join(' ')}`)
    const again = await runOnce(rerun(files), cwd, env)
    ok = again.ok
    if (ok) flaky = files
  }
  steps.push({ name, ok, seconds: (performance.now() - started) / 1000, digest: first.digest.render(name), flaky })
}

const check = (name: string, c: CheckCommand, env: NodeJS.ProcessEnv) =>
  runStep(name, c.cmd, join(ROOT, c.cwd), { ...env, ...c.env })

function shown(cmd: string[]): string {
  return cmd.length > 12 ? [...cmd.slice(0, 12), `… (${cmd.length - 12} more)`].join(' ') : cmd.join(' ')
}

/**
 * The broker tiers' files run two at a time (bun's `--parallel`, one worker process per file, each
 * with its own feed and topics on the shared broker): most of a conformance scenario is waiting on
 * windows, back-offs and restarts, so two overlap on 2 cores where one after another took most of
 * the 20-minute budget. The slowest files start first (TIMINGS: per-file milliseconds of a whole
 * run; `bun run test --update-timings` rewrites it). The unit tier stays serial: some feed tests
 * count frames against a clock.
 */
const BROKER_TIER_WORKERS = 2
const TIMINGS = 'src/testing/timings.json'

function bunTest(files: string[], timeoutMs: number, tier: Tier): string[] {
  // -t may match nothing in one tier while it does in another: that tier is no failure
  const pattern = bunArgs.flags.some((f) => f === '-t' || f.startsWith('--test-name-pattern'))
  const own = (flag: string) => bunArgs.flags.some((f) => f === flag || f.startsWith(`${flag}=`))
  const parallel =
    tier !== 'unit' && files.length > 1 && !own('--parallel')
      ? [`--parallel=${BROKER_TIER_WORKERS}`, ...(own('--timings') ? [] : ['--timings', TIMINGS])]
      : []
  return [
    'bun',
    'test',
    '--timeout',
    String(timeoutMs),
    ...parallel,
    ...(pattern ? ['--pass-with-no-tests'] : []),
    ...bunArgs.flags,
    ...files.map((f) => `./${f}`),
  ]
}

function timePlan(totalSeconds: number): string {
  const width = Math.max(...steps.map((s) => s.name.length))
  const rows = steps.map(
    (s) =>
      `   ${s.name.padEnd(width)}  ${s.seconds.toFixed(1).padStart(6)} s  ${s.ok ? 'ok' : 'FAILED'}` +
      (s.flaky?.length ? `  (flaky, passed when run again: ${s.flaky.join(' ')})` : ''),
  )
  return [
    '\n== test: time plan',
    ...rows,
    `   ${'total'.padEnd(width)}  ${totalSeconds.toFixed(1).padStart(6)} s`,
  ].join('\n')
}

async function main() {
  const manifest = JSON.parse(readFileSync(PATHS.manifest, 'utf8'))
  const files = selectFiles(testFiles(ROOT), bunArgs, ROOT, process.cwd())
  const byTier = new Map<Tier, string[]>(tiers.map((t) => [t, files.filter((f) => tierOf(f) === t)]))
  if (files.length === 0) {
    console.error(`test: no test file matches ${bunArgs.filters.join(' ')}`)
    process.exit(1)
  }
  const base = { ...process.env, [HARNESS_ENV]: '1' }
  const suites =
    languages && !args.includes('--no-languages')
      ? ownChecks({ librdkafkaPrefix: manifest.librdkafkaPrefix, librdkafkaVersion: manifest.librdkafkaVersion })
      : []

  if (everything && picked.length === 0 && !args.includes('--no-lint')) {
    await runStep('lint', ['bun', 'scripts/lint.ts'], ROOT, base)
  }
  const unit = byTier.get('unit') ?? []
  if (unit.length > 0)
    await runStep('unit (bun)', bunTest(unit, UNIT_TIMEOUT_MS, 'unit'), ROOT, base, (f) =>
      bunTest(f, UNIT_TIMEOUT_MS, 'unit'),
    )
  // without a broker address the suites' unit parts skip their broker tests. Steps run one
  // after another: some of bun's feed tests count frames against a clock and a busier CPU fails them.
  if (short) for (const s of suites) await check(`unit (${s.id})`, s.unit, withoutKafka(base))
  const integration = TIERS.filter((t) => t !== 'unit' && (byTier.get(t)?.length ?? 0) > 0)
  const languagesInFull = !short && suites.length > 0
  if (integration.length > 0 || languagesInFull) {
    const kafkaStarted = performance.now()
    let kafka: KafkaHandle
    try {
      kafka = await useKafka({ brokers })
    } catch (error) {
      steps.push({ name: 'kafka', ok: false, seconds: (performance.now() - kafkaStarted) / 1000 })
      throw error
    }
    steps.push({ name: 'kafka', ok: true, seconds: (performance.now() - kafkaStarted) / 1000 })
    const stop = once(() => kafka.stop())
    const off = onShutdown(stop)
    console.log(
      `test: Kafka at ${kafka.bootstrap} (${kafka.brokers} broker(s), replication factor ${kafka.replicationFactor}, min.insync.replicas ${kafka.minIsr})`,
    )
    const env = { ...base, ...kafka.env, TEST_BROKERS: String(kafka.brokers) }
    try {
      for (const tier of integration)
        await runStep(`${tier} (bun)`, bunTest(byTier.get(tier)!, INTEGRATION_TIMEOUT_MS, tier), ROOT, env, (f) =>
          bunTest(f, INTEGRATION_TIMEOUT_MS, tier),
        )
      if (!short) for (const s of suites) await check(s.id, s.full, env)
    } finally {
      off()
      await stop()
    }
  }
  for (const s of steps) if (s.digest) console.log(s.digest)
  console.log(timePlan((performance.now() - started) / 1000))
  const failed = steps.filter((s) => !s.ok)
  const flaky = steps.flatMap((s) => s.flaky ?? [])
  const passed = flaky.length === 0 ? 'all passed' : `all passed; flaky (failed, then passed): ${flaky.join(' ')}`
  console.log(`== test: ${failed.length === 0 ? passed : `FAILED: ${failed.map((s) => s.name).join(', ')}`}`)
  process.exit(failed.length === 0 ? 0 : 1)
}

main().catch((error) => {
  if (steps.length > 0) console.log(timePlan((performance.now() - started) / 1000))
  console.error(`test: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
