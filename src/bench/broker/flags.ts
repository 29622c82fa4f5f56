/**
 * @module bench/broker/flags
 * The broker's command-line flags, shared by `bun run kafka` and `bun run test --brokers 3`
 * (and the bench, if it takes --brokers), so each accepts and rejects the same values.
 */
import { z } from 'zod'

export const KAFKA_HELP = `bun run kafka [options]

  --brokers N     1 (default) or 3: three broker+controller nodes, RF 3, min ISR 2
  --port N        broker port on 127.0.0.1, of node 1 (nodes 2 and 3 take N+1, N+2);
                  default 0: free ports
  --data-dir DIR  keep the data in DIR across runs (default: a fresh dir, deleted on exit)
  --heap-mb N     JVM heap per node, MB (default 512 for one node, 384 each for three)
  --partitions N  default partitions for auto-created topics (default 3)

If KAFKA_BOOTSTRAP_SERVERS is set, that broker is used and nothing is started.`

/** `--brokers`: exactly "1" or "3" from the command line (or the number), as 1 | 3. */
export const BrokersFlag = z
  .union([z.literal(1), z.literal(3), z.literal('1'), z.literal('3')], { error: 'must be 1 or 3' })
  .transform((v) => Number(v) as 1 | 3)

export const KafkaFlags = z.object({
  brokers: BrokersFlag.default(1),
  port: z.coerce.number().int().min(0).max(65533).default(0),
  'data-dir': z.string().min(1).optional(),
  'heap-mb': z.coerce.number().int().min(128).optional(),
  partitions: z.coerce.number().int().min(1).default(3),
  help: z.boolean().optional(),
})
export type KafkaFlags = z.infer<typeof KafkaFlags>

/**
 * Takes `--brokers N` (or `--brokers=N`) out of an argument list, for scripts that pass the rest
 * on (scripts/test.ts hands them to `bun test`). Throws a one-line message naming the flag.
 */
export function takeBrokersFlag(args: readonly string[]): { brokers: 1 | 3; rest: string[] } {
  const rest: string[] = []
  let value: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--brokers') value = args[++i] ?? ''
    else if (arg.startsWith('--brokers=')) value = arg.slice('--brokers='.length)
    else rest.push(arg)
  }
  if (value === undefined) return { brokers: 1, rest }
  const parsed = BrokersFlag.safeParse(value)
  if (!parsed.success) throw new Error(`bad option --brokers: ${parsed.error.issues[0]?.message}`)
  return { brokers: parsed.data, rest }
}
