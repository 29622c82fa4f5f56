/**
 * Leader failover on a real 3-node KRaft cluster (RF 3, min.insync.replicas 2), every contender
 * (issue 18): the leader of a partition of the contenders' topics is SIGKILLed mid-window and
 * restarted a few seconds later. Nothing acked may be lost or duplicated, and order per partition
 * is kept. Then the under-min-ISR variant: with two of three nodes down, nothing may be reported
 * delivered that is not in the topic, and the contender ends in bounded time, not `complete`.
 * One cluster serves both, started here (the test needs to kill its nodes).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { EXIT } from '../contract/rules.ts'
import { startFeed, type Feed } from '../feed/server.ts'
import { startCluster, type KafkaCluster } from './broker/cluster.ts'
import { contendersUnderTest, logCounts, Rig } from './fixture.ts'

const contenders = contendersUnderTest()
let cluster: KafkaCluster
let feed: Feed
let rig: Rig

beforeAll(async () => {
  cluster = await startCluster({ brokers: 3 })
  feed = await startFeed({ port: 0, rate: 500, seed: 11 })
  rig = await Rig.withBroker(cluster.bootstrap, feed)
}, 180_000)
afterAll(async () => {
  await feed?.stop()
  await cluster?.stop()
})

describe('a 3-node cluster', () => {
  test('the leader of a partition killed mid-window and restarted: nothing acked lost or duplicated, order kept', async () => {
    let killed = -1
    let restarted: Promise<void> | undefined
    const results = await rig.run({
      contenders,
      durationS: 14,
      env: { FLUSH_TIMEOUT_MS: '30000' },
      onSpawn: (proc) => {
        if (proc.contender !== contenders[0]) return
        proc.waitFor('start').then(
          () =>
            setTimeout(() => {
              const topic = rig.lastTopics.get(proc.contender)!
              killed = cluster.leaderOf(topic, 0)
              if (killed < 0) return
              void cluster.kill(killed).then(() => {
                restarted = Bun.sleep(4000).then(() => cluster.start(killed))
              })
            }, 3000),
          () => {},
        )
      },
    })
    await restarted
    logCounts(`leader failover (node ${killed} killed)`, results)
    expect(killed).toBeGreaterThan(0)
    for (const r of results) {
      const m = r.report!.messages
      expect({ contender: r.contender, error: r.error, problems: r.audit?.problems }).toEqual({
        contender: r.contender,
        error: undefined,
        problems: [],
      })
      expect(r.audit!.duplicateSeqs).toBe(0)
      expect(r.audit!.outOfOrder).toBe(0)
      expect(r.audit!.missingSeqs).toBe(0)
      // every acked message is in the topic, and the report accounts for every one that is not
      expect(m.delivered + m.failed + m.inFlightAtEnd).toBe(m.received - m.invalid)
      const worst = Math.max(...r.report!.intervals.map((i) => i.pipelineP99Us))
      console.log(
        `[failover] ${r.contender}: delivered ${m.delivered}, failed ${m.failed}, in flight ${m.inFlightAtEnd}, errors ${JSON.stringify(m.errorsByCode)}, worst interval p99 ${(worst / 1000).toFixed(0)} ms`,
      )
    }
  }, 240_000)

  test('two of three nodes down (below min ISR): nothing reported delivered that is not in the topic, bounded end, not complete', async () => {
    const contender = contenders.includes('go') ? 'go' : contenders[0]!
    const down: number[] = []
    try {
      const [r] = await rig.run({
        contenders: [contender],
        durationS: 8,
        audit: false,
        env: { FLUSH_TIMEOUT_MS: '5000' },
        onSpawn: (proc) => {
          proc.waitFor('start').then(
            () =>
              setTimeout(() => {
                for (const id of [2, 3]) {
                  down.push(id)
                  void cluster.kill(id)
                }
              }, 2000),
            () => {},
          )
        },
      })
      logCounts('two of three down', [r!])
      expect(r!.report).toBeDefined()
      expect(r!.report!.status).not.toBe('complete')
      expect(r!.exitCode).not.toBe(EXIT.complete)
      // what the report calls delivered is exactly what the topic holds, once the nodes are back
      for (const id of down) await cluster.start(id)
      const audit = (await rig.audit(r!)).audit!
      expect(audit.duplicateSeqs).toBe(0)
      expect(audit.topicCount - audit.warmupCount).toBeGreaterThanOrEqual(r!.report!.messages.delivered)
    } finally {
      for (const id of down) if (!cluster.node(id).running) await cluster.start(id)
    }
  }, 240_000)
})
