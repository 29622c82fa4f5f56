/**
 * `bun run kafka`: an embedded single-node KRaft broker on 127.0.0.1 until Ctrl-C.
 * Also the library entry tests and the bench import (`startKafka`, `useKafka`).
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { startKafka } from '../src/bench/broker/embedded.ts'

export { startKafka, useKafka, type KafkaBroker, type KafkaOptions } from '../src/bench/broker/embedded.ts'

const HELP = `bun run kafka [options]

  --port N        broker port on 127.0.0.1 (default 0: a free port)
  --data-dir DIR  keep the broker's data in DIR across runs (default: a fresh dir, deleted on exit)
  --heap-mb N     JVM heap, MB (default 512)
  --partitions N  default partitions for auto-created topics (default 3)

If KAFKA_BOOTSTRAP_SERVERS is set, that broker is used and nothing is started.`

const Flags = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(0),
  'data-dir': z.string().optional(),
  'heap-mb': z.coerce.number().int().min(128).default(512),
  partitions: z.coerce.number().int().min(1).default(3),
  help: z.boolean().optional(),
})

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'heap-mb': { type: 'string' },
      partitions: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const parsed = Flags.safeParse(values)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    console.error(`bad option --${issue?.path.join('.')}: ${issue?.message}\n\n${HELP}`)
    process.exit(2)
  }
  const flags = parsed.data
  if (flags.help) return console.log(HELP)
  if (process.env.KAFKA_BOOTSTRAP_SERVERS) {
    console.log(`KAFKA_BOOTSTRAP_SERVERS is set (${process.env.KAFKA_BOOTSTRAP_SERVERS}): using that broker, nothing started`)
    return
  }
  const broker = await startKafka({
    port: flags.port,
    dataDir: flags['data-dir'],
    heapMb: flags['heap-mb'],
    partitions: flags.partitions,
  })
  console.log(`kafka ready: ${broker.bootstrap}`)
  console.log(`  data: ${broker.dataDir}\n  log:  ${broker.logFile}\n  Ctrl-C stops it`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    console.log('stopping kafka ...')
    await broker.stop()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (import.meta.main) {
  main().catch((error) => {
    console.error(String(error?.message ?? error))
    process.exit(1)
  })
}
