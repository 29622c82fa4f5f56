/**
 * @module bench/options
 * `bun run bench` flags, parsed once with zod. Every option has a default a user can read in
 * `--help`; bad values name the flag and the value.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { CONTENDERS, Contender } from '../contract/report.ts'

const int = (min: number) => z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(min)

export const BenchOptions = z.object({
  contenders: z
    .string()
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .pipe(z.array(Contender).min(1, 'name at least one of bun,node,go'))
    .default([...CONTENDERS]),
  mode: z.enum(['concurrent', 'isolated']).default('concurrent'),
  rounds: int(1).default(1),
  duration: z.coerce.number({ error: 'must be seconds' }).positive('must be > 0').default(60),
  rate: z.coerce.number({ error: 'must be msg/s' }).positive('must be > 0').default(2000),
  profile: z.enum(['live', 'uniform']).default('live'),
  seed: int(0).default(42),
  source: z.enum(['local', 'upbit']).default('local'),
  'markets-limit': int(0).default(0),
  'connect-interval-ms': int(0).default(2000),
  partitions: int(1).default(3),
  'ready-timeout-s': int(10).default(180),
  ladder: z.boolean().default(false),
  'ladder-rates': z
    .string()
    .transform((s) => s.split(',').map(Number))
    .pipe(z.array(z.number().positive()).min(1))
    .default([1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000]),
  'step-duration': z.coerce.number().positive().default(20),
  'ladder-p99-ms': z.coerce.number().positive().default(100),
  limits: z.enum(['on', 'off']).default('on'),
  soak: z.boolean().default(false),
  'fault-kill': Contender.optional(),
  out: z.string().default('reports'),
  charts: z.string().default('charts'),
})
export type BenchOptions = z.infer<typeof BenchOptions>

export const HELP = `bun run bench [options]   (set-up, Kafka and the feed are started for you)

  --contenders LIST        which contenders race, comma-separated            (default bun,node,go)
  --mode MODE              concurrent: all at once on one feed (the seed's);
                           isolated: one at a time, order alternating by round (default concurrent)
  --rounds N               repeat the race N times; figures become median (min–max)   (default 1)
  --duration S             measuring window per contender, seconds (env TEST_DURATION) (default 60)
  --rate N                 local feed rate, messages/s over all markets       (default 2000)
  --profile P              live (a few busy KRW markets, a long tail) | uniform (default live)
  --seed N                 feed seed: same seed, same messages                (default 42)
  --source S               local: the bundled Upbit-compatible feed; upbit: the live exchange
                                                                              (default local)
  --markets-limit N        use only the first N markets (0 = all 536)         (default 0)
  --connect-interval-ms N  pause between batches of 2 connections (the seed's 2 s) (default 2000)
  --partitions N           partitions of each contender's topic               (default 3)
  --ready-timeout-s N      give up on a contender not ready after N s         (default 180)
  --ladder                 saturation ladder instead of the race (isolated)
  --ladder-rates LIST      offered rates of the ladder, msg/s  (default 1000,2000,5000,10000,20000,50000,100000,200000)
  --step-duration S        seconds per ladder step                            (default 20)
  --ladder-p99-ms N        a ladder step is sustained when ≥ 99.9 % of the offer is delivered
                           with pipeline p99 under N ms                       (default 100)
  --limits on|off          with --ladder: also measure the physical-limit rows (C producer on
                           librdkafka, Kafka's ProducerPerformance, the feed to a plain reader)
                                                                              (default on)
  --soak                   10-minute run (unless --duration) at --rate with an RSS growth check
  --fault-kill C           kill contender C mid-window (shows the audit failing)
  --out DIR                where reports go                                   (default reports)
  --charts DIR             where charts go                                    (default charts)

Environment: KAFKA_BOOTSTRAP_SERVERS (use that broker, start none), TEST_DURATION (default --duration).`

export class BenchOptionsError extends Error {}

export function parseBenchOptions(argv: string[], env: Record<string, string | undefined>): BenchOptions & { help: boolean } {
  const keys = Object.keys(BenchOptions.shape) as (keyof BenchOptions)[]
  const booleans = new Set(['ladder', 'soak'])
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(keys.map((k) => [k, { type: booleans.has(k) ? 'boolean' : 'string' }])),
    } as NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>,
  })
  const input: Record<string, unknown> = { ...values }
  if (input.duration === undefined && env.TEST_DURATION) input.duration = env.TEST_DURATION
  const parsed = BenchOptions.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const flag = String(issue.path[0])
    const shown = flag === 'duration' && values.duration === undefined ? `TEST_DURATION=${env.TEST_DURATION}` : `--${flag} ${JSON.stringify(input[flag])}`
    throw new BenchOptionsError(`${shown}: ${issue.message}`)
  }
  return { ...parsed.data, help: Boolean(values.help) }
}
