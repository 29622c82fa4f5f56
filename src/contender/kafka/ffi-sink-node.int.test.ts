/**
 * The node:ffi sink against a real broker, run where it runs in the race: on the pinned Node
 * (ffi-sink-node.fixture.ts, bundled as set-up bundles the contender). 10,000 messages with keys,
 * values and headers, every delivery report a success, then read back and compared one by one:
 * nothing missing, nothing duplicated; a rejected property and an unreachable broker are typed
 * errors naming what failed; every run ends on its own once the sink is closed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { useKafka } from '../../bench/broker/embedded.ts'
import { createTopic } from '../../librdkafka/admin.ts'
import { readTopic } from '../../librdkafka/consumer.ts'
import { CACHE, ROOT } from '../../paths.ts'
import { nodeBinary } from '../../registry/node-runtime.ts'
import { roundTripProblems } from './roundtrip.fixture.ts'
import { runDriverCase } from './sink-driver-run.fixture.ts'

let kafka: Awaited<ReturnType<typeof useKafka>>
let dir: string
let driver: string
beforeAll(async () => {
  // inside the repository: the bundle finds the repository's root (paths.ts) from where it lies
  dir = mkdtempSync(join(CACHE, 'ffi-sink-node-'))
  const built = await Bun.build({
    entrypoints: [join(ROOT, 'src', 'contender', 'kafka', 'ffi-sink-node.fixture.ts')],
    target: 'node',
    outdir: dir,
  })
  if (!built.success) throw new AggregateError(built.logs, 'cannot bundle the node:ffi driver')
  driver = built.outputs[0]!.path
  kafka = await useKafka()
})
afterAll(async () => {
  await kafka?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** One case of the driver on the pinned Node; its JSON line, after it ended by itself. */
function onNode(args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  return runDriverCase([nodeBinary(), '--no-warnings', driver, ...args], timeoutMs)
}

describe('node:ffi sink', () => {
  test('10,000 messages: every delivery report succeeds, the topic holds each exactly once', async () => {
    const topic = `node-ffi-roundtrip-${Date.now()}`
    await createTopic(kafka.bootstrap, topic, 3)
    const N = 10_000
    const outcome = await onNode(['roundtrip', kafka.bootstrap, topic, String(N)], 80_000)
    expect(outcome).toMatchObject({ version: '2.15.1', servesItself: true, left: 0, reports: N, distinct: N })
    expect(outcome.failures).toEqual([])
    // the producer's statistics were served too, and summarise to real broker figures
    expect(outcome.statsSamples).toBeGreaterThan(0)
    expect(outcome.rttP99Us).toBeGreaterThan(0)

    const messages = await readTopic(kafka.bootstrap, topic)
    expect(messages.length).toBe(N)
    expect(roundTripProblems(messages, N, 'node-tuned')).toEqual([])
  }, 90_000)

  test('a property librdkafka does not know, or a value it rejects, is a typed error naming it', async () => {
    expect(await onNode(['bad-property', kafka.bootstrap, 't', 'no.such.property', '1'], 20_000)).toMatchObject({
      error: 'KafkaConfigError',
      message: expect.stringContaining('no.such.property'),
    })
    const rejected = await onNode(['bad-property', kafka.bootstrap, 't', 'linger.ms', 'soon'], 20_000)
    expect(rejected.error).toBe('KafkaConfigError')
    expect(rejected.message).toMatch(/linger\.ms.*soon/)
  }, 45_000)

  test('an unreachable broker fails the metadata check within its deadline', async () => {
    const outcome = await onNode(['unreachable', '', 't', '1500'], 20_000)
    expect(outcome.rejected).toMatch(/metadata/)
    expect(outcome.ms).toBeLessThan(5000)
  }, 30_000)
})
