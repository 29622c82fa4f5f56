/**
 * `bun run kafka [--brokers 1|3]`: an embedded KRaft broker, or a 3-node cluster, on 127.0.0.1
 * until Ctrl-C. Only parses flags; src/bench/broker does the work. Also re-exports the library
 * entry that tests and the bench import (`startKafka`, `startCluster`, `useKafka`).
 */
import { KAFKA_HELP, KafkaFlags } from '../src/bench/broker/flags.ts'
import { serveKafka } from '../src/bench/broker/serve.ts'
import { parseCli, usageError, type EntryPoint } from '../src/entry-point.ts'

export * from '../src/bench/broker/embedded.ts'

function fail(message: string, code: number): never {
  console.error(message)
  process.exit(code)
}

const ENTRY: EntryPoint = { name: 'kafka', command: 'bun run kafka', usage: KAFKA_HELP }

async function main() {
  const { values } = parseCli(ENTRY, {
    options: {
      brokers: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'heap-mb': { type: 'string' },
      partitions: { type: 'string' },
    },
  })
  const parsed = KafkaFlags.safeParse(values)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    usageError(ENTRY, `bad option --${issue?.path.join('.')}: ${issue?.message}`)
  }
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
    console.log(
      `KAFKA_BOOTSTRAP_SERVERS is set (${process.env.KAFKA_BOOTSTRAP_SERVERS}): using that broker, nothing started`,
    )
    return
  }
  await serveKafka(parsed.data)
}

if (import.meta.main) {
  main().then(
    () => process.exit(0),
    (error) => fail(`kafka: ${String(error?.message ?? error).split('\n')[0]}`, 1),
  )
}
