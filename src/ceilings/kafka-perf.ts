/**
 * @module ceilings/kafka-perf
 * The "Kafka's own producer" limit row: org.apache.kafka.tools.ProducerPerformance from the jars
 * set-up resolved (.cache/kafka/libs), unthrottled (--throughput -1), with the project's producer
 * settings translated from librdkafka names to the Java client's, and payloads from the same
 * frames (--payload-file, one frame per line) so message sizes match. Its final summary line is
 * parsed into throughput and latency percentiles.
 *
 * Differences that stay (reported in the row's note):
 *  - ProducerPerformance sends no key and no headers (the contenders send key = market code and
 *    the seq/contender headers), and picks a random payload per record.
 *  - queue.buffering.max.messages has no Java equivalent (the Java producer bounds its
 *    accumulator by bytes only: buffer.memory).
 *  - statistics.interval.ms has none either (Java has its metrics registry instead).
 */
import { existsSync } from 'node:fs'
import { tethered } from '../bench/tether.ts'
import { PATHS } from '../paths.ts'
import { readSettingsFile } from '../librdkafka/settings-file.ts'
import { LimitToolError, tail, type LimitResult } from './result.ts'

/** librdkafka property → how the Java producer spells it (value translated when units differ). */
const TRANSLATE: Record<string, ((value: string) => [string, string]) | null> = {
  'batch.size': (v) => ['batch.size', v],
  'linger.ms': (v) => ['linger.ms', v],
  'compression.type': (v) => ['compression.type', v],
  'compression.codec': (v) => ['compression.type', v],
  acks: (v) => ['acks', v],
  'request.required.acks': (v) => ['acks', v === '-1' ? 'all' : v],
  'enable.idempotence': (v) => ['enable.idempotence', v],
  retries: (v) => ['retries', v],
  'message.send.max.retries': (v) => ['retries', v],
  'retry.backoff.ms': (v) => ['retry.backoff.ms', v],
  'request.timeout.ms': (v) => ['request.timeout.ms', v],
  'delivery.timeout.ms': (v) => ['delivery.timeout.ms', v],
  'message.timeout.ms': (v) => ['delivery.timeout.ms', v],
  'max.in.flight.requests.per.connection': (v) => ['max.in.flight.requests.per.connection', v],
  'max.in.flight': (v) => ['max.in.flight.requests.per.connection', v],
  'client.id': (v) => ['client.id', v],
  // librdkafka bounds its queue in KiB; the Java producer's accumulator in bytes
  'queue.buffering.max.kbytes': (v) => ['buffer.memory', String(Number(v) * 1024)],
  'queue.buffering.max.ms': (v) => ['linger.ms', v],
  // no Java equivalent: noted, not passed
  'queue.buffering.max.messages': null,
  'statistics.interval.ms': null,
}

export interface TranslatedSettings {
  /** Java producer properties */
  props: Record<string, string>
  /** librdkafka properties with no Java equivalent (left out) */
  dropped: string[]
}

/** Translates librdkafka producer properties to the Java client's; an unknown name is an error. */
export function toJavaProducerProps(settings: Record<string, string>): TranslatedSettings {
  const props: Record<string, string> = {}
  const dropped: string[] = []
  const unknown: string[] = []
  for (const [key, value] of Object.entries(settings)) {
    if (key.startsWith('$')) continue
    if (!(key in TRANSLATE)) {
      unknown.push(key)
      continue
    }
    const translate = TRANSLATE[key]
    if (!translate) {
      dropped.push(key)
      continue
    }
    const [javaKey, javaValue] = translate(value)
    if (javaKey === 'buffer.memory' && !Number.isFinite(Number(javaValue))) {
      throw new LimitToolError(`${key}=${value} is not a number`, null, '')
    }
    props[javaKey] = javaValue
  }
  if (unknown.length > 0) {
    throw new LimitToolError(
      `no known Java producer equivalent for librdkafka ${unknown.join(', ')}: add it to TRANSLATE in src/ceilings/kafka-perf.ts`,
      null,
      '',
    )
  }
  return { props, dropped }
}

export interface PerfSummary {
  records: number
  messagesPerSec: number
  mbPerSec: number
  avgLatencyMs: number
  maxLatencyMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  p999Ms: number
}

const NUM = String.raw`(\d+(?:\.\d+)?)`
/** "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P ms 50th, ..." (a "(steady state)" or similar tag after N is allowed) */
const SUMMARY = new RegExp(
  String.raw`(\d+)(?: \([^)]*\))? records sent, ${NUM} records/sec \(${NUM} MB/sec\), ${NUM} ms avg latency, ${NUM} ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th`,
)

/** The final summary line of ProducerPerformance's output (the progress lines carry no percentiles). */
export function parsePerfSummary(output: string): PerfSummary | undefined {
  const line = output
    .split('\n')
    .filter((l) => SUMMARY.test(l))
    .at(-1)
  const m = line?.match(SUMMARY)
  if (!m) return undefined
  const n = m.slice(1).map(Number)
  return {
    records: n[0]!,
    messagesPerSec: n[1]!,
    mbPerSec: n[2]!,
    avgLatencyMs: n[3]!,
    maxLatencyMs: n[4]!,
    p50Ms: n[5]!,
    p95Ms: n[6]!,
    p99Ms: n[7]!,
    p999Ms: n[8]!,
  }
}

export interface KafkaPerfOptions {
  bootstrap: string
  topic: string
  /** librdkafka producer properties (default: config/producer-settings.json), translated */
  settings?: Record<string, string>
  records: number
  /** one frame per line (ceilings/frames.ts writePayloadFile); or recordSize for random bytes */
  payloadFile?: string
  recordSize?: number
  /** -1: unthrottled (the default) */
  throughput?: number
  /** JVM max heap, MB (default: buffer.memory + 512 MiB, so a full accumulator fits) */
  heapMb?: number
  /** give up after this long (default 10 minutes) */
  timeoutMs?: number
}

export type KafkaPerfResult = LimitResult &
  PerfSummary & { p99Ms: number; javaProps: Record<string, string>; dropped: string[] }

export function kafkaPerfCommand(o: KafkaPerfOptions): { cmd: string[]; translated: TranslatedSettings } {
  if ((o.payloadFile === undefined) === (o.recordSize === undefined)) {
    throw new LimitToolError('runKafkaPerf: give exactly one of payloadFile and recordSize', null, '')
  }
  if (!existsSync(PATHS.kafkaLibs))
    throw new LimitToolError(`Kafka jars missing at ${PATHS.kafkaLibs}: run \`bun run setup\``, null, '')
  const translated = toJavaProducerProps(o.settings ?? readSettingsFile(PATHS.producerSettings))
  const props: Record<string, string> = { ...translated.props, 'bootstrap.servers': o.bootstrap }
  const bufferMb = Math.ceil(Number(props['buffer.memory'] ?? 32 * 1024 * 1024) / (1024 * 1024))
  const heapMb = o.heapMb ?? bufferMb + 512
  const cmd = [
    'java',
    `-Xmx${heapMb}m`,
    // ProducerPerformance formats its figures with the default locale: keep the decimal point a dot
    '-Duser.language=en',
    '-Duser.country=US',
    '-cp',
    `${PATHS.kafkaLibs}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    o.topic,
    '--num-records',
    String(o.records),
    '--throughput',
    String(o.throughput ?? -1),
    ...(o.payloadFile !== undefined ? ['--payload-file', o.payloadFile] : ['--record-size', String(o.recordSize)]),
    '--producer-props',
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ]
  return { cmd, translated }
}

export async function runKafkaPerf(o: KafkaPerfOptions): Promise<KafkaPerfResult> {
  const { cmd, translated } = kafkaPerfCommand(o)
  const proc = Bun.spawn(tethered(cmd), { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const timer = setTimeout(() => proc.kill(), o.timeoutMs ?? 600_000)
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  clearTimeout(timer)
  const summary = parsePerfSummary(out)
  if (code !== 0 || !summary) {
    throw new LimitToolError(
      `ProducerPerformance ${code !== 0 ? `exited ${code}` : 'printed no summary line'}: ${tail(err + out, 8)}`,
      code,
      out + err,
    )
  }
  const size = o.payloadFile !== undefined ? 'payloads from the same frames' : `${o.recordSize} B random payloads`
  const dropped = translated.dropped.length > 0 ? `; no Java equivalent for ${translated.dropped.join(', ')}` : ''
  return {
    name: 'Kafka ProducerPerformance (Java)',
    ...summary,
    messages: summary.records,
    note: `org.apache.kafka.tools.ProducerPerformance, --throughput ${o.throughput ?? -1}, ${size}, no key or headers; same settings in Java names${dropped}`,
    javaProps: translated.props,
    dropped: translated.dropped,
  }
}
