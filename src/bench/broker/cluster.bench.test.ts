/**
 * A real 3-node KRaft cluster (three JVMs, started once for this file): readiness, RF 3 topics,
 * acks=all round trip, leader failover and ISR shrink/rejoin, and what happens with two of three
 * nodes down. Every wait is bounded by a deadline; assertions are on behaviour, never on timing.
 * Ignores KAFKA_BOOTSTRAP_SERVERS: these tests kill nodes, so they need a cluster of their own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { createTopic } from '../../librdkafka/admin.ts'
import { readTopic } from '../../librdkafka/consumer.ts'
import { describeTopic, type PartitionInfo } from '../../librdkafka/metadata.ts'
import { produceAndWait } from '../../librdkafka/produce.ts'
import { startCluster, type KafkaCluster } from './cluster.ts'
import { cpuBetween, processTicks } from './cpu.ts'
import { probeBroker } from './metadata-probe.ts'

let cluster: KafkaCluster
const run = `${process.pid}-${Date.now()}`

beforeAll(async () => {
  cluster = await startCluster({ brokers: 3, readyTimeoutMs: 150_000 })
}, 180_000)

afterAll(async () => {
  await cluster?.stop()
}, 60_000)

/** Polls the partition until `ok` holds; throws with the last state seen at the deadline. */
async function waitForPartition(
  topic: string,
  ok: (p: PartitionInfo) => boolean,
  withinMs = 90_000,
): Promise<PartitionInfo> {
  const deadline = Date.now() + withinMs
  let last: PartitionInfo | string = 'no metadata'
  while (Date.now() < deadline) {
    try {
      last = cluster.partition(topic, 0)
      if (ok(last)) return last
    } catch (error) {
      last = String(error)
    }
    await Bun.sleep(500)
  }
  throw new Error(`${topic}[0] never reached the expected state; last: ${JSON.stringify(last)}`)
}

describe('3-node KRaft cluster', () => {
  test('every node lists brokers 1, 2, 3 and the quorum has a leader among voters 1..3', async () => {
    expect(cluster.brokers).toBe(3)
    expect(cluster.replicationFactor).toBe(3)
    expect(cluster.minIsr).toBe(2)
    expect(cluster.bootstrap.split(',')).toHaveLength(3)
    for (const node of cluster.nodes) {
      expect((await probeBroker('127.0.0.1', node.port)).brokerIds).toEqual([1, 2, 3])
    }
    const quorum = await cluster.quorum()
    expect(quorum.voters.map((v) => v.id).sort()).toEqual([1, 2, 3])
    expect([1, 2, 3]).toContain(quorum.leaderId)
  })

  test('a topic created with RF 3 and min ISR 2 has 3 replicas, all in sync, read back through FFI metadata', async () => {
    const topic = `rf3-${run}`
    expect(await createTopic(cluster.bootstrap, topic, 3, { replicationFactor: 3, minIsr: 2 })).toEqual({
      created: true,
    })
    const partitions = describeTopic(cluster.bootstrap, topic)
    expect(partitions.map((p) => p.id)).toEqual([0, 1, 2])
    for (const p of partitions) {
      expect(p.error).toBe('NO_ERROR')
      expect([...p.replicas].sort()).toEqual([1, 2, 3])
      expect([...p.isr].sort()).toEqual([1, 2, 3])
      expect(p.replicas).toContain(p.leader)
    }
  })

  test('creation is exclusive: an existing topic is TOPIC_ALREADY_EXISTS unless reuse: true', async () => {
    const topic = `exclusive-${run}`
    await createTopic(cluster.bootstrap, topic, 1, { replicationFactor: 3 })
    await expect(createTopic(cluster.bootstrap, topic, 1, { replicationFactor: 3 })).rejects.toMatchObject({
      errName: 'TOPIC_ALREADY_EXISTS',
    })
    expect(await createTopic(cluster.bootstrap, topic, 1, { reuse: true })).toEqual({ created: false })
  })

  test('acks=all with idempotence: 2,000 messages delivered, each read back once', async () => {
    const topic = `roundtrip-${run}`
    await createTopic(cluster.bootstrap, topic, 3, { replicationFactor: 3, minIsr: 2 })
    const values = Array.from({ length: 2000 }, (_, i) => `{"seq":${i}}`)
    const outcome = await produceAndWait(cluster.bootstrap, topic, values)
    expect(outcome).toMatchObject({ delivered: 2000, failed: 0, unreported: 0 })
    const read = await readTopic(cluster.bootstrap, topic, { idleTimeoutMs: 60_000 })
    expect(read.map((m) => new TextDecoder().decode(m.value)).sort()).toEqual([...values].sort())
  }, 120_000)

  test('the produce helper reads delivery-report events holding more messages than its array (5,000 in one batch)', async () => {
    const topic = `one-batch-${run}`
    await createTopic(cluster.bootstrap, topic, 1, { replicationFactor: 3, minIsr: 2 })
    const values = Array.from({ length: 5000 }, (_, i) => `v${i}`)
    const outcome = await produceAndWait(cluster.bootstrap, topic, values, {
      properties: { 'linger.ms': '500', 'batch.size': '1000000' },
    })
    expect(outcome).toMatchObject({ delivered: 5000, failed: 0, unreported: 0 })
  }, 120_000)

  test('leader killed: another replica leads, the ISR shrinks, acks=all still succeeds; restarted: it rejoins the ISR', async () => {
    const topic = `failover-${run}`
    await createTopic(cluster.bootstrap, topic, 1, { replicationFactor: 3, minIsr: 2 })
    const before = cluster.partition(topic, 0)
    expect(before.isr).toHaveLength(3)
    const old = before.leader
    await cluster.kill(old)
    expect(cluster.node(old).running).toBe(false)

    const after = await waitForPartition(topic, (p) => p.leader > 0 && p.leader !== old && !p.isr.includes(old))
    expect(after.isr).toHaveLength(2)
    expect(after.replicas).toContain(old)
    // two in sync = min.insync.replicas: writes go on
    const during = await produceAndWait(cluster.bootstrap, topic, ['a', 'b', 'c'], { partition: 0 })
    expect(during).toMatchObject({ delivered: 3, failed: 0 })

    await cluster.start(old)
    const back = await waitForPartition(topic, (p) => p.isr.includes(old))
    expect([...back.isr].sort()).toEqual([1, 2, 3])
  }, 240_000)

  test('two of three nodes down: an acks=all produce does not succeed', async () => {
    const topic = `two-down-${run}`
    await createTopic(cluster.bootstrap, topic, 1, { replicationFactor: 3, minIsr: 2 })
    const leader = cluster.leaderOf(topic, 0)
    const others = cluster.nodes.map((n) => n.id).filter((id) => id !== leader)
    for (const id of others) await cluster.kill(id)
    const outcome = await produceAndWait(cluster.bootstrap, topic, ['x', 'y', 'z'], {
      partition: 0,
      // bounded: librdkafka fails each message after this (its retries included)
      properties: { 'message.timeout.ms': '10000', 'request.timeout.ms': '5000' },
    })
    console.log(`two of three down, leader ${leader} alone: ${JSON.stringify(outcome.errors)}`)
    expect(outcome.delivered).toBe(0)
    expect(outcome.failed).toBe(3)
    for (const name of Object.keys(outcome.errors)) {
      expect([
        'NOT_ENOUGH_REPLICAS',
        'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
        '_MSG_TIMED_OUT',
        'REQUEST_TIMED_OUT',
        '_TIMED_OUT',
      ]).toContain(name)
    }
  }, 120_000)

  test('both restarted: the quorum has a leader again and acks=all succeeds', async () => {
    for (const node of cluster.nodes.filter((n) => !n.running)) await cluster.start(node.id)
    const quorum = await cluster.quorum()
    expect([1, 2, 3]).toContain(quorum.leaderId)
    const topic = `recovered-${run}`
    await createTopic(cluster.bootstrap, topic, 1, { replicationFactor: 3, minIsr: 2 })
    expect(await produceAndWait(cluster.bootstrap, topic, ['ok'])).toMatchObject({ delivered: 1, failed: 0 })
  }, 240_000)

  test('CPU of the three JVMs between two samples', async () => {
    const before = cluster.cpuSample()
    await Bun.sleep(2000)
    const usage = cpuBetween(before, cluster.cpuSample())
    console.log(`three JVMs, 2 s idle: ${usage.cores.toFixed(3)} cores ${JSON.stringify(usage.perNode)}`)
    expect(usage.excluded).toEqual([])
    expect(Object.keys(usage.perNode)).toEqual(['1', '2', '3'])
    expect(usage.cpuSeconds).toBeGreaterThan(0)
    expect(usage.wallSeconds).toBeGreaterThan(1.9)
  })

  test('stop: every JVM gone, the data dir removed', async () => {
    const pids = cluster.nodes.map((n) => n.pid!)
    expect(pids.every((pid) => processTicks(pid) !== undefined)).toBe(true)
    await cluster.stop()
    expect(cluster.nodes.every((n) => !n.running)).toBe(true)
    expect(pids.map((pid) => processTicks(pid))).toEqual([undefined, undefined, undefined])
    expect(existsSync(cluster.dataDir)).toBe(false)
  }, 60_000)
})
