/**
 * The two Kafka limit tools against a real broker (KAFKA_BOOTSTRAP_SERVERS, else an embedded one):
 * the C producer on the shared librdkafka delivers every message exactly once with the contenders'
 * key and headers, rejects an unknown property the way librdkafka names it; paced (the floor) it
 * delivers the schedule's count, keeps warm-up messages out of every figure and rejects a bad rate
 * naming the flag; Kafka's ProducerPerformance runs with the translated settings and its summary
 * parses. No speed is asserted: these are measurements, not pass marks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useKafka } from '../bench/broker/embedded.ts'
import { PATHS } from '../paths.ts'
import { createTopic } from '../librdkafka/admin.ts'
import { readSettingsFile } from '../librdkafka/settings-file.ts'
import { limitProducerPath, runCLimit } from './c-producer.ts'
import { runCFloor } from './floor.ts'
import { bundledMarkets } from '../feed/markets.ts'
import { readTopic } from '../librdkafka/consumer.ts'
import { tickerFrames, writeFramesFile, writePayloadFile } from './frames.ts'
import { parsePerfSummary, runKafkaPerf, toJavaProducerProps } from './kafka-perf.ts'
import { LimitToolError } from './result.ts'
import { readFeed } from './feed-reader.ts'
import { startFeed } from '../feed/server.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let dir: string
let framesFile: string
let payloadFile: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'limits-test-'))
  const frames = tickerFrames(2000)
  framesFile = writeFramesFile(join(dir, 'frames.tsv'), frames).path
  payloadFile = writePayloadFile(join(dir, 'payload.txt'), frames).path
  kafka = await useKafka()
})
afterAll(async () => {
  await kafka?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** every message of a topic as "key seq=N,contender=C,phase=P" (all its headers), read back with librdkafka's consumer */
async function readBack(bootstrap: string, topic: string): Promise<string[]> {
  const decoder = new TextDecoder()
  return (await readTopic(bootstrap, topic)).map(
    (m) =>
      `${m.key ? decoder.decode(m.key) : ''} ${Object.entries(m.headers)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
  )
}

describe('frames', () => {
  test("deterministic DEFAULT ticker frames from the feed's generator, keyed by code", () => {
    const a = tickerFrames(600)
    expect(tickerFrames(600)).toEqual(a)
    expect(tickerFrames(600, { seed: 7 })).not.toEqual(a)
    const known = new Set(bundledMarkets().map((m) => m.market))
    expect(a.every((f) => known.has(f.code))).toBe(true)
    expect(new Set(a.map((f) => f.code)).size).toBeGreaterThan(50)
    for (const f of a.slice(0, 50)) {
      const t = JSON.parse(f.frame)
      expect(t.code).toBe(f.code)
      expect(t.type).toBe('ticker')
      expect(Object.keys(t)).toHaveLength(33)
      expect(f.frame).not.toContain('\n')
    }
    const sizes = a.map((f) => f.frame.length)
    expect(Math.min(...sizes)).toBeGreaterThan(700)
    expect(Math.max(...sizes)).toBeLessThan(1100)
  })

  test('frames file is CODE<TAB>FRAME per line', () => {
    const line = readFileSync(framesFile, 'utf8').split('\n')[0]!
    const [code, frame] = line.split('\t')
    expect(JSON.parse(frame!).code).toBe(code!)
  })
})

describe('settings for ProducerPerformance', () => {
  test('librdkafka names become Java names; the ones with no equivalent are noted', () => {
    const t = toJavaProducerProps(readSettingsFile(PATHS.producerSettings))
    expect(t.props).toMatchObject({
      'batch.size': '32768',
      'linger.ms': '10',
      'compression.type': 'snappy',
      acks: 'all',
      'enable.idempotence': 'true',
      retries: '3',
      'buffer.memory': String(1048576 * 1024),
    })
    expect(t.dropped.sort()).toEqual(['queue.buffering.max.messages', 'statistics.interval.ms'])
    expect(() => toJavaProducerProps({ 'socket.nagle.disable': 'true' })).toThrow(/socket\.nagle\.disable/)
  })

  test('the final summary line parses; progress lines do not count', () => {
    const out = [
      '99000 records sent, 19800.0 records/sec (17.10 MB/sec), 120.3 ms avg latency, 400.0 ms max latency.',
      '200000 records sent, 98765.432100 records/sec (85.43 MB/sec), 101.23 ms avg latency, 420.00 ms max latency, 95 ms 50th, 180 ms 95th, 230 ms 99th, 410 ms 99.9th.',
    ].join('\n')
    expect(parsePerfSummary(out)).toEqual({
      records: 200000,
      messagesPerSec: 98765.4321,
      mbPerSec: 85.43,
      avgLatencyMs: 101.23,
      maxLatencyMs: 420,
      p50Ms: 95,
      p95Ms: 180,
      p99Ms: 230,
      p999Ms: 410,
    })
    expect(parsePerfSummary(out.split('\n')[0]!)).toBeUndefined()
  })
})

describe('C limit producer (librdkafka alone)', () => {
  test('20,000 messages: all delivered, none failed, librdkafka 2.15.1; the topic holds each once with key and headers', async () => {
    const topic = `limit-c-${Date.now()}`
    await createTopic(kafka.bootstrap, topic, 3)
    const r = await runCLimit({ bootstrap: kafka.bootstrap, topic, framesFile, messages: 20_000 })
    expect(r.output.librdkafka).toBe('2.15.1')
    expect(r.output.delivered).toBe(20_000)
    expect(r.output.failed).toBe(0)
    expect(r.messages).toBe(20_000)
    expect(r.messagesPerSec).toBeGreaterThan(0)
    expect(r.output.cpuUserUs + r.output.cpuSystemUs).toBeGreaterThan(0)
    const lines = await readBack(kafka.bootstrap, topic)
    expect(lines).toHaveLength(20_000)
    const seqs = new Set<number>()
    for (const line of lines) {
      // exactly the contract's three headers, as every contender sends them
      const m = line.match(/^([A-Z0-9]+-[A-Z0-9]+) seq=(\d+),contender=limit-c,phase=window$/)
      expect(m).not.toBeNull()
      seqs.add(Number(m![2]))
    }
    expect(seqs.size).toBe(20_000)
    expect(Math.min(...seqs)).toBe(1)
    expect(Math.max(...seqs)).toBe(20_000)
    // the ceiling keeps its meaning: no schedule, but every delivery's ack latency is recorded
    expect(r.output.mode).toBe('ceiling')
    expect(r.output.ackUs.count).toBe(20_000)
    expect(r.output.dueToAckUs).toBeNull()
    expect(r.output.behind).toBeNull()
  })

  test('an unknown property: exit 2, librdkafka names it', async () => {
    const error = await runCLimit({
      bootstrap: kafka.bootstrap,
      topic: 'limit-c-never',
      framesFile,
      messages: 10,
      properties: { 'no.such': '1' },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LimitToolError)
    expect((error as LimitToolError).exitCode).toBe(2)
    expect((error as LimitToolError).message).toContain('No such configuration property: "no.such"')
  })
})

describe('C floor (librdkafka alone, paced open loop)', () => {
  test("2,000 msg/s for 3 s after a 1 s warm-up: the schedule's count delivered, in the topic, warm-up in no figure", async () => {
    const topic = `limit-floor-${Date.now()}`
    await createTopic(kafka.bootstrap, topic, 3)
    // 400 MB resident in this process while it spawns the floor: a peak RSS read with getrusage's
    // ru_maxrss carried the spawner's (Linux keeps the pre-exec high-water mark across execve), so
    // every floor of a ladder read the bench's 492 MB
    const ballast = Buffer.alloc(400e6, 1)
    const r = await runCFloor({
      bootstrap: kafka.bootstrap,
      topic,
      framesFile,
      ratePerSec: 2000,
      seconds: 3,
      warmupSeconds: 1,
    })
    console.log(
      `floor 2,000 msg/s: sent ${r.sent}/${r.scheduled}, delivered ${r.delivered}, warm-up ${r.warmup.delivered}, ` +
        `${r.cpuUsPerMessage.toFixed(1)} µs CPU/msg, ack p50/p99 ${r.ackUs.p50}/${r.ackUs.p99} µs, lag p99 ${r.lagUs.p99} µs, behind ${r.behind}`,
    )
    expect(r.output.librdkafka).toBe('2.15.1')
    expect(r.ratePerSec).toBe(2000)
    expect(r.scheduled).toBe(6000)
    // a count, not a speed: a sender more than 10 ms late at the window's end may leave a few unsent
    expect(r.sent).toBeGreaterThanOrEqual(5400)
    expect(r.sent).toBeLessThanOrEqual(6000)
    expect(r.failed).toBe(0)
    expect(r.delivered).toBe(r.sent)
    expect(r.warmup).toEqual({ seconds: 1, messages: 2000, delivered: 2000, failed: 0 })
    // the peak RSS the floor section divides by: librdkafka and 6,000 frames hold at least a few MB
    expect(r.rssMaxBytes).toBeGreaterThan(2e6)
    expect(r.rssMaxBytes).toBeLessThan(ballast.length / 2)

    // every delivery it reports is in the topic once: warm-up seqs 0..1999, then the window's
    const seqs = (await readBack(kafka.bootstrap, topic)).map((line) => {
      const m = line.match(/^([A-Z0-9]+-[A-Z0-9]+) seq=(\d+),contender=limit-c,phase=(warmup|window)$/)
      expect(m).not.toBeNull()
      // the phase header agrees with the seq: the first 2,000 (1-based) are the warm-up
      expect(m![3]).toBe(Number(m![2]) <= 2000 ? 'warmup' : 'window')
      return Number(m![2])
    })
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(seqs.filter((seq) => seq <= 2000)).toHaveLength(r.warmup.delivered)
    expect(seqs.filter((seq) => seq > 2000)).toHaveLength(r.delivered)
    expect(Math.max(...seqs)).toBe(2000 + r.sent)

    // warm-up messages are in no latency figure either
    expect(r.ackUs.count).toBe(r.delivered)
    expect(r.dueToAckUs.count).toBe(r.delivered)
    expect(r.lagUs.count).toBe(r.sent)
    // sanity only
    expect(r.cpuUsPerMessage).toBeGreaterThan(0)
    expect(r.coresUsed).toBeGreaterThan(0)
    expect(r.appThreadCpuUsPerMessage).toBeGreaterThan(0)
    expect(r.appThreadCpuUsPerMessage).toBeLessThan(r.cpuUsPerMessage + 1) // one thread of the process (+ rusage's granularity)
    expect(r.sendRatePerSec).toBeGreaterThan(0)
    for (const h of [r.ackUs, r.dueToAckUs]) {
      expect(h.p50).toBeGreaterThan(0)
      expect(h.p99).toBeGreaterThanOrEqual(h.p50)
      expect(h.max).toBeGreaterThanOrEqual(h.p999)
      expect(h.p999).toBeGreaterThanOrEqual(h.p99)
    }
    // measured from the due time, which is never after the send: not shorter than produce → ack
    // (but for 1 µs: the two are truncated to µs from different clock reads)
    expect(r.dueToAckUs.max).toBeGreaterThanOrEqual(r.ackUs.max - 1)
  })

  test.each([
    [['--rate', '0'], '--rate'],
    [['--rate', 'abc'], '--rate'],
    [['--rate', '100', '--warmup-seconds', '-1'], '--warmup-seconds'],
    [['--warmup-seconds', '1'], '--warmup-seconds'],
  ])('bad flags %p: exit 2 naming %s', (flags, named) => {
    const proc = Bun.spawnSync(
      [
        limitProducerPath(),
        '--bootstrap',
        kafka.bootstrap,
        '--topic',
        'limit-floor-never',
        '--frames',
        framesFile,
        '--seconds',
        '1',
        ...flags,
      ],
      { stdout: 'pipe', stderr: 'pipe' },
    )
    expect(proc.exitCode).toBe(2)
    expect(proc.stderr.toString()).toContain(named)
    expect(proc.stdout.toString()).toBe('')
  })
})

describe('Kafka ProducerPerformance', () => {
  test('20,000 records with the same settings and frames after a discarded warm-up; the summary parses', async () => {
    const topic = `limit-java-${Date.now()}`
    await createTopic(kafka.bootstrap, topic, 3)
    const r = await runKafkaPerf({ bootstrap: kafka.bootstrap, topic, records: 20_000, payloadFile })
    // the figure is the measured run's alone; the warm-up's 10,000 went first, to the same topic
    expect(r.warmup.records).toBe(10_000)
    expect(r.warmup.p99Ms).toBeGreaterThanOrEqual(0)
    expect(r.note).toContain('after a discarded warm-up of 10,000 records in the same JVM')
    expect(r.records).toBe(20_000)
    expect(r.messages).toBe(20_000)
    expect(r.messagesPerSec).toBeGreaterThan(0)
    expect(r.mbPerSec).toBeGreaterThan(0)
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms)
    expect(r.javaProps['buffer.memory']).toBe(String(1048576 * 1024))
    expect(r.note).toContain('queue.buffering.max.messages')
    expect((await readBack(kafka.bootstrap, topic)).length).toBe(30_000)
  })
})

describe('the feed reader', () => {
  // it opened 2 connections per 500 ms: three batches can share one sliding second (6 > 5), so a
  // feed enforcing Upbit's limits refused one and the ladder's limit rows failed to start
  test("opens all 36 connections to a feed enforcing Upbit's limits, none refused", async () => {
    const feed = await startFeed({ rate: 2000, seed: 42, upbitLimits: true, trackSent: false })
    try {
      const read = await readFeed({ restUrl: feed.httpUrl, wsUrl: feed.wsUrl, seconds: 1, sample: 100 })
      expect(read.connections).toBe(36)
      expect(read.messages).toBeGreaterThan(0)
      expect(read.samples.length).toBeGreaterThan(0)
      expect(feed.stats().limits.refused429['ws-upgrade']).toBe(0)
    } finally {
      await feed.stop()
    }
  }, 60_000)
})
