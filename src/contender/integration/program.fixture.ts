/**
 * What the contender's integration tests share: the real contender programs (bun, and node from
 * set-up's bundle) started as the bench starts them, against one real broker and whatever
 * WebSocket endpoint the test points them at, with the START line sent shortly after ready, and
 * their topic read back. The programs are spawned here rather than through src/bench/spawn.ts:
 * the contender's modules (this fixture included) do not import the harness.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseEventLine, type BenchEvent } from '../../contract/events.ts'
import { Report, reportPath, type Contender } from '../../contract/report.ts'
import { createTopic } from '../../librdkafka/admin.ts'
import { readTopic, type ConsumedMessage } from '../../librdkafka/consumer.ts'
import { PATHS, ROOT } from '../../paths.ts'
import { nodeBinary } from '../../setup/node-runtime.ts'

/** The TypeScript contenders; TEST_CONTENDERS=bun narrows it while developing. */
export const TS_CONTENDERS = (process.env.TEST_CONTENDERS?.split(',') ?? ['bun', 'node']).filter(
  (c): c is 'bun' | 'node' => c === 'bun' || c === 'node',
)

export interface ContenderRun {
  contender: Contender
  exitCode: number
  report?: Report
  /** every @bench line, each checked by the contract's schemas */
  events: BenchEvent[]
  /** the human lines, stdout and stderr */
  output: string
  topic: string
  messages: ConsumedMessage[]
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
  onEvent?: (event: BenchEvent) => void
}

function command(contender: 'bun' | 'node'): string[] {
  if (contender === 'bun') return ['bun', join(ROOT, 'src', 'contender', 'main-bun.ts')]
  if (!existsSync(PATHS.nodeBundle)) throw new Error(`${PATHS.nodeBundle} missing: run \`bun run setup\``)
  return [nodeBinary(), '--no-warnings', PATHS.nodeBundle]
}

/** Calls `onLine` for each line of a stream, the last one too. */
async function lines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder()
  let buffered = ''
  const reader = stream.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    buffered += decoder.decode(r.value, { stream: true })
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      onLine(buffered.slice(0, nl))
      buffered = buffered.slice(nl + 1)
    }
  }
  if (buffered) onLine(buffered)
}

let counter = 0

export async function runProgram(contender: 'bun' | 'node', o: RunOptions): Promise<ContenderRun> {
  const dir = mkdtempSync(join(tmpdir(), `ukb-${contender}-`))
  const topic = `contender-test-${process.pid}-${Date.now()}-${counter++}-${contender}`
  await createTopic(o.bootstrap, topic, 3)
  const env = {
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
  }
  const proc = Bun.spawn(command(contender), {
    cwd: ROOT,
    env: { ...process.env, ...env, CONTENDER: contender },
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const startAt = o.startAt ?? ((now: number) => now + (o.startAfterMs ?? 1000))
  const events: BenchEvent[] = []
  const output: string[] = []
  const onLine = (line: string) => {
    // parseEventLine throws on a line the contract refuses: the test fails on it
    const event = parseEventLine(line)
    if (!event) return void output.push(line)
    events.push(event)
    o.onEvent?.(event)
    if (event.event === 'ready') {
      proc.stdin.write(`START ${startAt(Date.now())}\n`)
      proc.stdin.flush()
    }
  }
  const [exitCode] = await Promise.all([
    proc.exited,
    lines(proc.stdout, onLine),
    lines(proc.stderr, (line) => output.push(line)),
  ])
  const path = reportPath(dir, contender)
  const report = existsSync(path) ? Report.parse(JSON.parse(readFileSync(path, 'utf8'))) : undefined
  const messages = (o.readBack ?? true) ? await readTopic(o.bootstrap, topic) : []
  return { contender, exitCode, report, events, output: output.join('\n'), topic, messages }
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
