/**
 * @module kafka/sink-driver.fixture
 * The cases a sink's integration test runs in another runtime (Node, Deno) where the sink runs in
 * the race, one case per process, named by the first argument, its outcome one JSON line on
 * stdout: a round trip through a real broker, a property librdkafka rejects, an unreachable
 * broker. It never calls process.exit: the run ending on its own shows that a closed sink leaves
 * nothing (a wake-up pipe, librdkafka's handles, a callback) holding the event loop.
 */
import { KafkaConfigError } from '../../librdkafka/errors.ts'
import { produceRoundTrip } from './roundtrip.fixture.ts'
import { loadProducerSettings } from './settings.ts'
import { summarizeStats } from './stats-summary.ts'
import type { Sink, SinkOptions } from './sink.ts'

/** Runs the case `args` names on `createSink`, its messages marked as `contender`'s. */
export async function drive(
  createSink: (o: SinkOptions) => Sink | Promise<Sink>,
  librdkafkaVersion: string,
  contender: string,
  args: string[],
): Promise<void> {
  const [mode, bootstrap = '', topic = 't', arg = '', value = ''] = args
  const settings = loadProducerSettings({})
  const noop = { onDelivery() {}, onStats() {}, onError() {} }
  const say = (outcome: object) => console.log(JSON.stringify(outcome))

  if (mode === 'roundtrip') {
    const n = Number(arg)
    const delivered = new Map<number, string | undefined>()
    let reports = 0
    const stats: string[] = []
    const sink = await createSink({
      bootstrap,
      topic,
      contender,
      settings,
      onDelivery: (seq, err) => {
        reports++
        delivered.set(seq, err)
      },
      onStats: (json) => stats.push(json),
      onError() {},
    })
    await sink.checkBroker(10_000)
    const left = await produceRoundTrip(sink, n, 30_000)
    // one more statistics interval (statistics.interval.ms is 1 s in the settings file)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    sink.poll()
    sink.close()
    const failures = [...delivered.values()].filter((e) => e !== undefined)
    const summary = summarizeStats(stats)
    say({
      version: librdkafkaVersion,
      servesItself: sink.servesItself,
      left,
      reports,
      distinct: delivered.size,
      failures,
      statsSamples: summary.samples,
      rttP99Us: summary.rttP99Us,
    })
  } else if (mode === 'bad-property') {
    try {
      await createSink({ bootstrap, topic, contender, settings: { ...settings, [arg]: value }, ...noop })
      say({ error: null })
    } catch (error) {
      say({
        error: error instanceof KafkaConfigError ? 'KafkaConfigError' : (error as Error).name,
        message: (error as Error).message,
      })
    }
  } else if (mode === 'unreachable') {
    const sink = await createSink({ bootstrap: '127.0.0.1:1', topic, contender, settings, ...noop })
    const started = performance.now()
    try {
      await sink.checkBroker(Number(arg))
      say({ rejected: null })
    } catch (error) {
      say({ rejected: (error as Error).message, ms: performance.now() - started })
    }
    sink.close()
  } else {
    console.error(`unknown case ${mode}`)
    process.exitCode = 2
  }
}
