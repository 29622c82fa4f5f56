/**
 * What the contender's integration tests share: the real contender programs (bun, node) started
 * the way the bench starts them (src/bench/spawn.ts), against one real broker and whatever
 * WebSocket endpoint the test points them at, with the START line sent shortly after ready, and
 * their topic read back.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RunningContender } from '../../bench/spawn.ts'
import { parseEventLine, type BenchEvent } from '../../contract/events.ts'
import { Report, reportPath, type Contender } from '../../contract/report.ts'
import { createTopic } from '../../librdkafka/admin.ts'
import { readTopic, type ConsumedMessage } from '../../librdkafka/consumer.ts'

/** The TypeScript contenders; TEST_CONTENDERS=bun narrows it while developing. */
export const TS_CONTENDERS = (process.env.TEST_CONTENDERS?.split(',') ?? ['bun', 'node']).filter((c): c is 'bun' | 'node' => c === 'bun' || c === 'node')

export interface ContenderRun {
  contender: Contender
  exitCode: number
  report?: Report
  events: BenchEvent[]
  /** the last human lines, stdout and stderr */
  output: string
  topic: string
  messages: ConsumedMessage[]
  elapsedMs: number
}

export interface RunOptions {
  bootstrap: string
  restUrl: string
  wsUrl: string
  env?: Record<string, string>
  /** ms after ready the START line names (the warm-up's length) */
  startAfterMs?: number
  /** the START line's time instead, given the ready time */
  startAt?: (readyAtMs: number) => number
  /** read the topic back after the run (default true) */
  readBack?: boolean
  onSpawn?: (proc: RunningContender) => void
}

let counter = 0

export async function runProgram(contender: Contender, o: RunOptions): Promise<ContenderRun> {
  const dir = mkdtempSync(join(tmpdir(), `ukb-${contender}-`))
  const topic = `contender-test-${process.pid}-${Date.now()}-${counter++}-${contender}`
  await createTopic(o.bootstrap, topic, 3)
  const started = performance.now()
  const proc = new RunningContender(
    contender,
    {
      KAFKA_BOOTSTRAP_SERVERS: o.bootstrap,
      UPBIT_REST_URL: o.restUrl,
      UPBIT_WS_URL: o.wsUrl,
      KAFKA_TOPIC: topic,
      REPORT_DIR: dir,
      START_MODE: 'stdin',
      TEST_DURATION: '2',
      MARKETS_LIMIT: '30',
      CONNECT_INTERVAL_MS: '100',
      RECONNECT_BASE_MS: '100',
      FLUSH_TIMEOUT_MS: '5000',
      ...o.env,
    },
    join(dir, `${contender}.log`),
  )
  o.onSpawn?.(proc)
  const startAt = o.startAt ?? ((now: number) => now + (o.startAfterMs ?? 1000))
  proc.waitFor('ready').then(
    () => proc.start(startAt(Date.now())),
    () => {},
  )
  const exitCode = await proc.exited
  const elapsedMs = performance.now() - started
  const path = reportPath(dir, contender)
  const report = existsSync(path) ? Report.parse(JSON.parse(readFileSync(path, 'utf8'))) : undefined
  // every machine line must pass the contract's schemas (parseEventLine throws otherwise)
  const events = proc.events.map((e) => parseEventLine(`@bench ${JSON.stringify(e)}`)!)
  const messages = (o.readBack ?? true) ? await readTopic(o.bootstrap, topic) : []
  return { contender, exitCode, report, events, output: proc.tail.join('\n'), topic, messages, elapsedMs }
}

/** Runs every TypeScript contender side by side with the same options. */
export function runEach(o: RunOptions): Promise<ContenderRun[]> {
  return Promise.all(TS_CONTENDERS.map((c) => runProgram(c, o)))
}

/** One line per run with the counts its scenario is judged by, for the test log. */
export function logRun(scenario: string, r: ContenderRun): void {
  const c = r.report?.connections
  const m = r.report?.messages
  console.log(
    `[counts] ${scenario} | ${r.contender} | exit ${r.exitCode} ${r.report?.status ?? '-'} ${JSON.stringify(r.report?.statusReasons.map((s) => s.code) ?? [])} | ` +
      `received ${m?.received ?? '-'} invalid ${m?.invalid ?? '-'} delivered ${m?.delivered ?? '-'} warm-up ${r.report?.warmup.delivered ?? '-'} | ` +
      `opened ${c?.opened ?? '-'} reconnects ${c?.reconnects ?? '-'} rate-limited ${c?.rateLimited ?? '-'} silence ${c?.silenceReconnects ?? '-'} flaps ${c?.flaps ?? '-'} given-up ${c?.failed ?? '-'} compression ${c?.compression ?? '-'} | topic ${r.messages.length}`,
  )
}
