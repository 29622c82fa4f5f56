/**
 * The Deno.dlopen sinks against a real broker, each alike, run where they run in the race: on the
 * pinned Deno with the permissions the registry grants (ffi-sink-deno.fixture.ts in place of the
 * contender's main file): the as-shipped one (`deno`, ffi-sink-plain-deno.ts) and the tuned one
 * (`deno-tuned`, ffi-sink-deno.ts). 10,000 messages with keys, values and headers, every delivery
 * report a success, then read back and compared one by one: nothing missing, nothing duplicated;
 * a rejected property and an unreachable broker are typed errors naming what failed; every run
 * ends on its own once the sink is closed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { useKafka } from '../../bench/broker/embedded.ts'
import { createTopic } from '../../librdkafka/admin.ts'
import { readTopic } from '../../librdkafka/consumer.ts'
import { ROOT } from '../../paths.ts'
import { entryOf } from '../../registry/registry.ts'
import { roundTripProblems } from './roundtrip.fixture.ts'
import { runDriverCase } from './sink-driver-run.fixture.ts'

const DRIVER = join(ROOT, 'src', 'contender', 'kafka', 'ffi-sink-deno.fixture.ts')

let kafka: Awaited<ReturnType<typeof useKafka>>
beforeAll(async () => {
  kafka = await useKafka()
})
afterAll(async () => {
  await kafka?.stop()
})

/** One case of the driver for `contender`'s sink on the pinned Deno; its JSON line, after it ended by itself. */
function onDeno(contender: string, args: string[], timeoutMs: number): Promise<Record<string, unknown>> {
  // the contender's own command, the driver in place of its main file
  return runDriverCase([...entryOf(contender).command().slice(0, -1), DRIVER, contender, ...args], timeoutMs)
}

describe.each([
  ["the per-message path of librdkafka's docs", 'deno', false],
  ['produceva from a preallocated vector, woken by the io-event pipe', 'deno-tuned', true],
] as const)('Deno.dlopen sink, %s (%s)', (_title, contender, servesItself) => {
  test('10,000 messages: every delivery report succeeds, the topic holds each exactly once', async () => {
    const topic = `deno-ffi-roundtrip-${contender}-${Date.now()}`
    await createTopic(kafka.bootstrap, topic, 3)
    const N = 10_000
    const outcome = await onDeno(contender, ['roundtrip', kafka.bootstrap, topic, String(N)], 80_000)
    expect(outcome).toMatchObject({ version: '2.15.1', servesItself, left: 0, reports: N, distinct: N })
    expect(outcome.failures).toEqual([])
    // the producer's statistics were served too, and summarise to real broker figures
    expect(outcome.statsSamples).toBeGreaterThan(0)
    expect(outcome.rttP99Us).toBeGreaterThan(0)

    const messages = await readTopic(kafka.bootstrap, topic)
    expect(messages.length).toBe(N)
    expect(roundTripProblems(messages, N, contender)).toEqual([])
  }, 90_000)

  test('a property librdkafka does not know, or a value it rejects, is a typed error naming it', async () => {
    expect(
      await onDeno(contender, ['bad-property', kafka.bootstrap, 't', 'no.such.property', '1'], 20_000),
    ).toMatchObject({ error: 'KafkaConfigError', message: expect.stringContaining('no.such.property') })
    const rejected = await onDeno(contender, ['bad-property', kafka.bootstrap, 't', 'linger.ms', 'soon'], 20_000)
    expect(rejected.error).toBe('KafkaConfigError')
    expect(rejected.message).toMatch(/linger\.ms.*soon/)
  }, 45_000)

  test('an unreachable broker fails the metadata check within its deadline', async () => {
    const outcome = await onDeno(contender, ['unreachable', '', 't', '1500'], 20_000)
    expect(outcome.rejected).toMatch(/metadata/)
    expect(outcome.ms).toBeLessThan(5000)
  }, 30_000)
})
