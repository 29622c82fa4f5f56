/**
 * @module ceilings/measure
 * The physical-limit rows of the ladder, all on the same broker with the same settings:
 *   1. librdkafka alone: the project's C producer sending frames recorded from the feed (same
 *      sizes, same keys) as fast as librdkafka takes them: the ceiling of any binding here;
 *   2. Kafka's own ProducerPerformance with the same settings (translated) and the same frames;
 *   3. the feed's ceiling to a plain WebSocket reader (a separate process, no Kafka).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Feed } from '../feed/server.ts'
import { createTopic } from '../librdkafka/admin.ts'
import { tethered } from '../bench/tether.ts'
import { CACHE, ROOT } from '../paths.ts'
import { runCLimit } from './c-producer.ts'
import { FeedReaderResult, readFeed } from './feed-reader.ts'
import type { FloorRow } from '../comparison/input.ts'
import { runCFloor } from './floor.ts'
import { tickerFrames, writeFramesFile, writePayloadFile } from './frames.ts'
import { runKafkaPerf } from './kafka-perf.ts'
import { LimitToolError } from './result.ts'

export interface LimitRow {
  name: string
  messagesPerSec: number
  note: string
}

export interface MeasureLimitsOptions {
  bootstrap: string
  feed: Feed
  partitions: number
  runId: string
  /** markets the reader subscribes to (0 = all) */
  markets: number
  /** messages each Kafka tool sends (default 200,000) */
  messages?: number
  /** seconds the plain reader counts (default 5) */
  readerSeconds?: number
  /** the feed's rate while the reader measures its ceiling (default 1,000,000 msg/s: more than it can send) */
  readerRate?: number
  /** the C producer's command prefix: the contenders' CPU budget (pinning) */
  prefix?: string[]
}

export async function measureLimits(o: MeasureLimitsOptions): Promise<LimitRow[]> {
  const messages = o.messages ?? 200_000
  const dir = join(CACHE, 'ceilings', o.runId)
  mkdirSync(dir, { recursive: true })
  const rows: LimitRow[] = []

  // frames recorded from the feed at its configured rate, so the Kafka tools send what contenders send
  const recorded = await readFeed({
    restUrl: o.feed.httpUrl,
    wsUrl: o.feed.wsUrl,
    seconds: 1,
    marketsLimit: o.markets,
    sample: 5000,
  })
  if (recorded.samples.length === 0)
    throw new LimitToolError('limits: the feed sent no ticker frames to record', null, '')
  const frames = writeFramesFile(join(dir, 'frames.tsv'), recorded.samples)
  const payload = writePayloadFile(join(dir, 'payload.txt'), recorded.samples)
  const size = `${recorded.samples.length} recorded frames, avg ${frames.avgValueBytes.toFixed(0)} B`

  const cTopic = `upbit-limit-${o.runId}-c`
  await createTopic(o.bootstrap, cTopic, o.partitions)
  const c = await runCLimit({
    bootstrap: o.bootstrap,
    topic: cTopic,
    framesFile: frames.path,
    messages,
    prefix: o.prefix,
  })
  rows.push({
    name: 'librdkafka alone (C producer)',
    messagesPerSec: c.messagesPerSec,
    note: `${c.messages} msgs, ${size}, ${c.cpuUsPerMessage.toFixed(1)} µs CPU/msg, keys + headers like the contenders`,
  })

  const javaTopic = `upbit-limit-${o.runId}-java`
  await createTopic(o.bootstrap, javaTopic, o.partitions)
  const java = await runKafkaPerf({
    bootstrap: o.bootstrap,
    topic: javaTopic,
    records: messages,
    payloadFile: payload.path,
  })
  rows.push({
    name: 'Kafka ProducerPerformance (Java client)',
    messagesPerSec: java.messagesPerSec,
    note: `${java.note}; p99 ${java.p99Ms} ms`,
  })

  // the reader runs in its own process: sharing the feed's thread would measure neither
  const rate = o.feed.stats().rate
  o.feed.setRate(o.readerRate ?? 1_000_000)
  try {
    const proc = Bun.spawn(
      tethered([
        'bun',
        join(ROOT, 'src', 'ceilings', 'feed-reader.ts'),
        '--rest',
        o.feed.httpUrl,
        '--ws',
        o.feed.wsUrl,
        '--seconds',
        String(o.readerSeconds ?? 5),
        '--markets-limit',
        String(o.markets),
      ]),
      { stdout: 'pipe', stderr: 'pipe' },
    )
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ])
    if (code !== 0) throw new LimitToolError(`feed reader failed (exit ${code})`, code, out + err)
    const reader = FeedReaderResult.parse(JSON.parse(out.trim().split('\n').at(-1)!))
    rows.push({
      name: 'feed → plain WebSocket reader (no Kafka)',
      messagesPerSec: reader.messagesPerSec,
      note: `${reader.connections} connections, feed asked for ${(o.readerRate ?? 1_000_000).toLocaleString('en')} msg/s; the feed's own ceiling on this machine`,
    })
  } finally {
    o.feed.setRate(rate)
  }
  return rows
}

export interface MeasureFloorOptions {
  bootstrap: string
  partitions: number
  runId: string
  /** rates to measure librdkafka alone at, msg/s */
  rates: number[]
  /** window per rate (after a 5-s warm-up) */
  seconds: number
  /** the C producer's command prefix: the contenders' CPU budget (pinning) */
  prefix?: string[]
}

/**
 * The paced bare-C floor at each rate: the same settings, frames from the same generator, keys
 * and headers as the contenders, on a fresh topic per rate. What each contender's CPU per message
 * and latency are divided by.
 */
export async function measureFloor(o: MeasureFloorOptions): Promise<FloorRow[]> {
  const dir = join(CACHE, 'ceilings', o.runId)
  mkdirSync(dir, { recursive: true })
  const frames = writeFramesFile(join(dir, 'floor-frames.tsv'), tickerFrames(5000)).path
  const rows: FloorRow[] = []
  for (const rate of [...new Set(o.rates.map(Math.round))].sort((a, b) => a - b)) {
    const topic = `upbit-floor-${o.runId}-${rate}`
    await createTopic(o.bootstrap, topic, o.partitions, { existingOk: false })
    const r = await runCFloor({
      bootstrap: o.bootstrap,
      topic,
      framesFile: frames,
      ratePerSec: rate,
      seconds: o.seconds,
      prefix: o.prefix,
    })
    rows.push({
      ratePerSec: rate,
      cpuUsPerMessage: r.cpuUsPerMessage,
      ackP50Us: r.ackUs.p50,
      ackP99Us: r.ackUs.p99,
      dueToAckP99Us: r.dueToAckUs.p99,
      rssMaxBytes: r.rssMaxBytes,
      delivered: r.delivered,
      behind: r.behind,
    })
  }
  return rows
}
