/**
 * A bench-like supervisor for orphans.test.ts: its own Kafka broker (useKafka), the local feed,
 * and one contender (TEST_ORPHAN_CONTENDER, default go) inside a long window. Prints one JSON
 * line (the pids, the broker port, the data dir) once the window is open, then waits to be
 * killed.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Contender } from '../contract/report.ts'
import { startFeed } from '../feed/server.ts'
import { useKafka } from './broker/embedded.ts'
import { RunningContender } from './spawn.ts'

const contender = (process.env.TEST_ORPHAN_CONTENDER || 'go') as Contender
const kafka = await useKafka({ brokers: 1 })
const feed = await startFeed({ port: 0, rate: 200, seed: 3 })
const dir = mkdtempSync(join(tmpdir(), 'ukb-orphans-'))
const run = new RunningContender(
  contender,
  {
    ...kafka.env,
    UPBIT_REST_URL: feed.httpUrl,
    UPBIT_WS_URL: feed.wsUrl,
    START_MODE: 'stdin',
    TEST_DURATION: '600',
    WARMUP_SECONDS: '0',
    MARKETS_LIMIT: '15',
    CONNECT_INTERVAL_MS: '100',
    REPORT_DIR: dir,
    KAFKA_TOPIC: `orphans-${process.pid}`,
  },
  join(dir, `${contender}.log`),
)
await run.waitFor('ready')
run.start(Date.now() + 200)
await run.waitFor('start')
const node = kafka.cluster!.node(1)
console.log(JSON.stringify({ jvm: node.pid, contender: run.pid, port: node.port, dataDir: kafka.cluster!.dataDir }))
await new Promise(() => {})
