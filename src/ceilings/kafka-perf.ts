/**
 * @module ceilings/kafka-perf
 * The "Kafka's own producer" limit row: org.apache.kafka.tools.ProducerPerformance from the jars
 * set-up resolved (.cache/kafka/libs), unthrottled (--throughput -1), with the project's producer
 * settings translated from librdkafka names to the Java client's, and payloads from the same
 * frames (--payload-file, one frame per line) so message sizes match. Its final summary line is
 * parsed into throughput and latency percentiles.
 *
 * A warm-up is discarded: Kafka 4.1.1 has no --warmup-records, so perf-warmup/PerfWarmup.java runs
 * ProducerPerformance twice in one JVM, first `warmupRecords` records (default half the measured
 * count) whose summary is not the figure, then the measured run. The row's note says so.
 *
 * Differences that stay (reported in the row's note):
 *  - ProducerPerformance sends no key and no headers (the contenders send key = market code and
 *    the seq/contender headers), and picks a random payload per record.
 *  - queue.buffering.max.messages has no Java equivalent (the Java producer bounds its
 *    accumulator by bytes only: buffer.memory).
 *  - statistics.interval.ms has none either (Java has its metrics registry instead).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
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
  /**
   * records sent first in the same JVM and discarded, so the figure is not the cold start's
   * (class loading, JIT, first metadata and connections); default half of `records`; 0 = cold
   */
  warmupRecords?: number
}

/** The launcher that runs the warm-up, then the measured run, in one JVM (Java's single-file source mode). */
const WARMUP_LAUNCHER = join(import.meta.dir, 'perf-warmup', 'PerfWarmup.java')
/** The line PerfWarmup prints between the runs: the figure is the summary after it. */
export const MEASURED_MARKER = '# perf-warmup: measured run'

export function warmupRecordsOf(o: Pick<KafkaPerfOptions, 'records' | 'warmupRecords'>): number {
  return o.warmupRecords ?? Math.ceil(o.records / 2)
}

/** The warm-up's summary (discarded, shown in the note) and the measured run's (the figure). */
export function splitPerfOutput(output: string): { warmup?: PerfSummary; measured?: PerfSummary } {
  const at = output.indexOf(MEASURED_MARKER)
  // no marker: the measured run never started, whatever the warm-up printed
  if (at < 0) return { warmup: parsePerfSummary(output) }
  return { warmup: parsePerfSummary(output.slice(0, at)), measured: parsePerfSummary(output.slice(at)) }
}

export type KafkaPerfResult = LimitResult &
  PerfSummary & {
    p99Ms: number
    javaProps: Record<string, string>
    dropped: string[]
    /** the records sent first and discarded, and their p99 (what a cold run would have reported) */
    warmup: { records: number; p99Ms?: number }
  }

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
  const warmup = warmupRecordsOf(o)
  if (!Number.isSafeInteger(warmup) || warmup < 0)
    throw new LimitToolError(`runKafkaPerf: warmupRecords must be a whole number ≥ 0, not ${warmup}`, null, '')
  const cmd = [
    'java',
    `-Xmx${heapMb}m`,
    // ProducerPerformance formats its figures with the default locale: keep the decimal point a dot
    '-Duser.language=en',
    '-Duser.country=US',
    '-cp',
    `${PATHS.kafkaLibs}/*`,
    WARMUP_LAUNCHER,
    String(warmup),
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
  const { warmup, measured: summary } = splitPerfOutput(out)
  if (code !== 0 || !summary) {
    throw new LimitToolError(
      `ProducerPerformance ${code !== 0 ? `exited ${code}` : 'printed no summary line for its measured run'}: ${tail(err + out, 8)}`,
      code,
      out + err,
    )
  }
  const discarded = { records: warmupRecordsOf(o), p99Ms: warmup?.p99Ms }
  return {
    name: 'Kafka ProducerPerformance (Java)',
    ...summary,
    messages: summary.records,
    note: perfNote(o, translated, discarded),
    javaProps: translated.props,
    dropped: translated.dropped,
    warmup: discarded,
  }
}

/** What the row measured and how, the warm-up first: a reader must not take it for a cold run. */
export function perfNote(
  o: Pick<KafkaPerfOptions, 'throughput' | 'payloadFile' | 'recordSize'>,
  translated: TranslatedSettings,
  warmup: { records: number; p99Ms?: number },
): string {
  const size = o.payloadFile !== undefined ? 'payloads from the same frames' : `${o.recordSize} B random payloads`
  const dropped = translated.dropped.length > 0 ? `; no Java equivalent for ${translated.dropped.join(', ')}` : ''
  const warm =
    warmup.records > 0
      ? `after a discarded warm-up of ${warmup.records.toLocaleString('en-US')} records in the same JVM${warmup.p99Ms === undefined ? '' : ` (their p99 ${warmup.p99Ms} ms)`}, the measured run on a new producer`
      : 'cold: no warm-up, the JVM start counts'
  return `org.apache.kafka.tools.ProducerPerformance, ${warm}, --throughput ${o.throughput ?? -1}, ${size}, no key or headers; same settings in Java names${dropped}`
}
