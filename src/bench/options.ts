/**
 * @module bench/options
 * `bun run bench` flags, parsed once with zod. Every option has a default a user can read in
 * `--help`; bad values name the flag and the value.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { CHANNELS, SWITCH } from '../contract/rules.ts'
import { ROOT } from '../paths.ts'
import { CONTENDER_NAMES, DEFAULT_FIELD, isRegistered, namedField } from '../registry/registry.ts'

/** Plain decimal integers only, as the contenders' contract (no 0x10, 1_0, 1e3, 1.5). */
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?[0-9]+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`))

/**
 * Rounds of a race by default, from this machine's measured noise (docs/performance.md, "How many
 * rounds"; `bun scripts/noise.ts RUN`): CPU per message varied over the rounds of the quiet-day
 * race by a CV of 1.3–3.3 % (python the noisiest); at 3.3 %, 5 rounds a side are the fewest that
 * tell a 10 % difference apart with the comparison's 95 % interval 90 % of the time (simulated:
 * 4 rounds, 80 %), and 4 are the least that can reach 95 % at all. Today's race on a machine
 * loaded by parallel builds (CV 10–17 %) would need 27–73: no sane default, and its verdicts are
 * inconclusive, as they should be.
 */
export const DEFAULT_ROUNDS = 5

/**
 * The local feed's rate by default, msg/s over all markets: inside the original project's expected
 * live range (800–3,000), and low enough that the default field (four runtimes as shipped, at
 * once) leaves this 2-core machine under 70 % busy, where 2,000 msg/s did not (README, "The default
 * field").
 */
export const DEFAULT_RATE = 1000

/** The ladder's and the soak's rounds are long (a whole search, 10 minutes): 3 unless asked. */
export const LONG_RUN_ROUNDS = 3

/** how many times the ladder's last rate doubles past its list by default (--ladder-doublings) */
export const DEFAULT_LADDER_DOUBLINGS = 4

const distinct = (names: string[]) => new Set(names).size === names.length

/** A switch (`on` | `off`) is a boolean from here on: parsed once, at the edge. */
const onOff = (fallback: (typeof SWITCH)[number]) =>
  z
    .enum(SWITCH)
    .default(fallback)
    .transform((v) => v === 'on')

export const BenchOptions = z.object({
  contenders: z
    .string()
    .transform(
      (s) =>
        namedField(s.trim()) ??
        s
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.string().refine(isRegistered, {
            error: (issue) => `unknown contender "${String(issue.input)}"; registered: ${CONTENDER_NAMES.join(', ')}`,
          }),
        )
        .min(1, `name at least one of ${CONTENDER_NAMES.join(',')}`)
        .refine(distinct, 'each contender at most once (two runs of one contender would share a topic name)'),
    )
    .default([...DEFAULT_FIELD]),
  mode: z.enum(['concurrent', 'isolated']).default('concurrent'),
  rounds: int(1, 100).default(DEFAULT_ROUNDS),
  duration: int(1, 86_400).default(60),
  warmup: int(0, 3600).default(10),
  rate: int(1, 1_000_000).default(DEFAULT_RATE),
  profile: z.enum(['live', 'uniform']).default('live'),
  seed: int(0, 2 ** 31 - 1).default(42),
  source: z
    .string()
    .regex(/^(local|upbit|replay:.+)$/, 'must be local, upbit or replay:FILE')
    .default('local'),
  channel: z.enum(CHANNELS).default('ticker'),
  'ws-compression': onOff('on'),
  'upbit-limits': onOff('on'),
  'markets-limit': int(0, 10_000).default(0),
  'connect-interval-ms': int(0, 60_000).default(2000),
  partitions: int(1, 100).default(3),
  brokers: z.enum(['1', '3']).transform(Number).default(1),
  'reuse-topic': z.boolean().default(false),
  'ready-timeout-s': int(10, 3600).default(180),
  ladder: z.boolean().default(false),
  'ladder-rates': z
    .string()
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().int('must be whole msg/s').min(1).max(1_000_000)).min(1))
    .default([2000, 5000, 10000, 20000, 50000, 100000, 200000, 400000]),
  'ladder-doublings': int(0, 8).default(DEFAULT_LADDER_DOUBLINGS),
  'step-duration': int(1, 3600).default(20),
  'ladder-p99-ms': int(1, 60_000).default(100),
  limits: onOff('on'),
  pin: onOff('on'),
  floor: onOff('on'),
  soak: z.boolean().default(false),
  'fault-kill': z
    .string()
    .refine(isRegistered, `must be a registered contender (${CONTENDER_NAMES.join(', ')})`)
    .optional(),
  out: z.string().default('reports'),
  charts: z.string().default('charts'),
  compare: z.boolean().default(false),
  'fail-on-regression': z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a percentage, such as 10 or 2.5')
    .transform(Number)
    .pipe(z.number().max(1000, 'must be at most 1000'))
    .optional(),
})
export type BenchOptions = z.infer<typeof BenchOptions> & {
  help: boolean
  /** whether --duration or TEST_DURATION was given (--soak otherwise runs 600 s) */
  durationGiven: boolean
  /** the flags given on the command line (a mode may pick other defaults for the rest) */
  given: Set<string>
  /** with --compare: the old run and the new one, as given */
  compareRuns?: [string, string]
}

export const HELP = `bun run bench [options]   (set-up, Kafka and the feed are started for you)

The race
  --contenders LIST        which registered contenders race, comma-separated, each once; or a
                           field: all, as-shipped or tuned (a column of the runtime × tier grid)
                           (default ${DEFAULT_FIELD.join(',')}; registered:
                           ${CONTENDER_NAMES.join(',')})
  --mode MODE              concurrent: all at once on one feed (the seed's); isolated: one
                           at a time; the start order rotates by round in both (default concurrent)
  --rounds N               repeat the race N times; every figure is median (min–max up to 8
                           rounds, an interval for the median: 93.8 % at 5 rounds, 95 % from 6);
                           every verdict rests on a 95 % interval, which needs 4 rounds or more;
                           ${DEFAULT_ROUNDS} from this machine's measured noise (docs/performance.md)
                                                       (default ${DEFAULT_ROUNDS}; ${LONG_RUN_ROUNDS} with --ladder or --soak)
  --duration S             measuring window, whole seconds (env TEST_DURATION) (default 60)
  --warmup S               produced before the window, never counted; the start moves later
                           to make room                                       (default 10)
  --partitions N           partitions of each contender's topic               (default 3)
  --brokers 1|3            embedded Kafka: one broker, or a 3-node KRaft cluster with
                           replication factor 3 and min.insync.replicas 2     (default 1)
  --reuse-topic            accept an existing topic (default: a run's topics must be new)
  --ready-timeout-s N      give up on a contender not ready after N s         (default 180)

The feed
  --source S               local: the bundled Upbit-compatible feed; upbit: the live exchange;
                           replay:FILE: the local feed serves a \`bun run feed --record\`
                           file's market list and frames at their recorded times, looped,
                           values audited against them (no --rate, --profile, --seed)
                                                                              (default local)
  --rate N                 local feed rate, messages/s over all markets       (default ${DEFAULT_RATE})
  --profile P              live (a few busy KRW markets, a long tail) | uniform (default live)
  --seed N                 feed seed: same seed, same messages                (default 42)
  --channel C              ticker | trade | orderbook, subscribed by every contender (default ticker)
  --ws-compression on|off  permessage-deflate offered by every contender (and allowed by the
                           local feed), as Upbit recommends   (default on; off with --ladder)
  --upbit-limits on|off    the local feed enforces Upbit's limits (5 connections/s per IP,
                           REST 10/s, 429 then 418); the bench staggers the contenders'
                           connection phases to stay within them              (default on)
  --markets-limit N        use only the first N markets (0 = all 536)         (default 0)
  --connect-interval-ms N  pause between batches of 2 connections (the seed's 2 s) (default 2000)

Other runs
  --ladder                 saturation ladder instead of the race: each contender alone, the
                           feed stepped up until a step is not sustained, then bisected to
                           within 5 %; over --rounds (after the first, from a bracket
                           around the last point); connections 2 per 600 ms unless
                           --connect-interval-ms is given
  --ladder-rates LIST      coarse steps, msg/s, doubled past the last while every step holds
                           (default 2000,5000,10000,20000,50000,100000,200000,400000)
  --ladder-doublings N     how many times the last rate doubles past the list, at most;
                           0 = the list only                                  (default 4)
  --step-duration S        seconds per ladder step                            (default 20)
  --ladder-p99-ms N        a ladder step is sustained when the producer kept up with the feed:
                           exchange→ack p99 (less the feed's own lag) under N ms, its
                           backlog grown by under N ms of the feed, ≥ 99.9 % of what it
                           read delivered                                     (default 100)
  --pin on|off             with --ladder: the contender alone on the last core, the feed and the
                           broker on the others (taskset)                     (default on)
  --limits on|off          with --ladder: also measure the physical-limit rows (C producer on
                           librdkafka, Kafka's ProducerPerformance, the feed to a plain reader)
                                                                              (default on)
  --floor on|off           after the race: librdkafka alone (the paced C producer, same settings,
                           frames, keys, headers) at --rate, the floor of CPU/msg and latency
                                                                              (default on)
  --soak                   10-minute run (unless --duration) at --rate with an RSS growth check
  --fault-kill C           kill contender C mid-window (shows the audit failing)

Output
  --out DIR                where reports go                                   (default reports)
  --charts DIR             where charts go                                    (default charts)

Comparing two runs (nothing started)
  --compare A B            per contender and key metric: old (A) → new (B), the change, its
                           95 % interval and a verdict, better / worse / inconclusive (as
                           benchstat); A, B: run ids under --out's runs/, or directories
                           holding a run's reports. A verdict needs 4 rounds a side
  --fail-on-regression PCT with --compare: exit 1 when a figure got worse by more than PCT %
                           and its interval excludes no change

Environment: KAFKA_BOOTSTRAP_SERVERS (use that broker or cluster, start none), TEST_DURATION
(default --duration). Exit: 0 every contender complete and every audit clean; 1 anything else;
2 bad options. With --compare: 0, or 1 for a regression past --fail-on-regression; 2 for an A
or B that is missing or not a run.`

export class BenchOptionsError extends Error {}

/** The recording `--source replay:FILE` names (relative to the project), or undefined for local and upbit. */
export function replayFile(o: Pick<BenchOptions, 'source'>): string | undefined {
  return o.source.startsWith('replay:') ? resolve(ROOT, o.source.slice('replay:'.length)) : undefined
}

export function parseBenchOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions {
  const keys = Object.keys(BenchOptions.shape)
  const booleans = new Set(['ladder', 'soak', 'reuse-topic', 'compare'])
  let values: Record<string, string | boolean | undefined>
  let positionals: string[]
  try {
    ;({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      // only --compare takes arguments of its own (A B)
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(keys.map((k) => [k, { type: booleans.has(k) ? 'boolean' : 'string' }])),
      } as NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] })
  } catch (error) {
    throw new BenchOptionsError((error as Error).message)
  }
  if (values.compare && positionals.length !== 2)
    throw new BenchOptionsError(
      `--compare needs two runs, old and new (--compare A B), not ${positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ')}`,
    )
  if (!values.compare && positionals.length > 0)
    throw new BenchOptionsError(`unexpected argument ${JSON.stringify(positionals[0])} (only --compare takes two runs)`)
  if (values['fail-on-regression'] !== undefined && !values.compare)
    throw new BenchOptionsError('--fail-on-regression needs --compare A B')
  const input: Record<string, unknown> = { ...values }
  if (input.duration === undefined && env.TEST_DURATION) input.duration = env.TEST_DURATION
  const parsed = BenchOptions.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const flag = String(issue.path[0])
    const shown =
      flag === 'duration' && values.duration === undefined
        ? `TEST_DURATION=${env.TEST_DURATION}`
        : `--${flag} ${JSON.stringify(input[flag])}`
    throw new BenchOptionsError(`${shown}: ${issue.message}`)
  }
  const durationGiven = values.duration !== undefined || Boolean(env.TEST_DURATION)
  const given = new Set(Object.keys(values).filter((k) => values[k] !== undefined))
  const options: BenchOptions = {
    ...parsed.data,
    help: Boolean(values.help),
    durationGiven,
    given,
    ...(values.compare ? { compareRuns: [positionals[0]!, positionals[1]!] as [string, string] } : {}),
  }
  // the recording decides what is sent and when: a flag that would have, silently not, misleads
  if (replayFile(options) !== undefined)
    for (const flag of ['rate', 'profile', 'seed'])
      if (given.has(flag))
        throw new BenchOptionsError(
          `--${flag} ${JSON.stringify(values[flag])}: does not apply to --source ${options.source} (the recording sets what is sent and when)`,
        )
  // --soak is the 10-minute leak check unless a duration was asked for (--duration 30, --duration=30)
  if (options.soak && !durationGiven) options.duration = 600
  if ((options.ladder || options.soak) && !given.has('rounds')) options.rounds = LONG_RUN_ROUNDS
  // the ladder looks for the producers' limits: the local feed deflating for 36 connections per
  // contender tops out near 40k msg/s on 2 cores, below them, so it sends uncompressed unless asked
  if (options.ladder && !given.has('ws-compression')) options['ws-compression'] = false
  return options
}
