/**
 * The contender programs (bun, node, go, python), for real: the local feed, the broker, a short
 * window, the topic read back and audited. Each scenario runs all contenders side by side.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import * as hdr from 'hdr-histogram-js'
import { SETTINGS } from '../comparison/fixture.ts'
import { Report } from '../contract/report.ts'
import { NODE_VERSION } from '../registry/node-runtime.ts'
import { entryOf } from '../registry/registry.ts'
import { decodedLatencies, summarizedLatencies } from './encoded-histograms.ts'
import { contendersUnderTest, logCounts, Rig, type ShortRunResult } from './fixture.ts'

const contenders = contendersUnderTest()
let rig: Rig

beforeAll(async () => {
  rig = await Rig.start()
})
afterAll(async () => {
  await rig?.stop()
})

/**
 * Each of the report's four histograms, written by the contender's own HDR library, decodes here
 * with hdr-histogram-js to the summary beside it: the same count and p99, exactly.
 */
function expectHistogramsMatchSummaries(r: ShortRunResult) {
  expect({ contender: r.contender, latencies: decodedLatencies(r.report!) }).toEqual({
    contender: r.contender,
    latencies: summarizedLatencies(r.report!),
  })
}

function expectClean(results: ShortRunResult[]) {
  for (const r of results) {
    expect({ contender: r.contender, error: r.error, exit: r.exitCode }).toEqual({
      contender: r.contender,
      error: undefined,
      exit: 0,
    })
    expect(Report.safeParse(r.report).success).toBe(true)
    expect({ contender: r.contender, problems: r.audit?.problems }).toEqual({ contender: r.contender, problems: [] })
    expectHistogramsMatchSummaries(r)
  }
}

describe('contenders against the local feed and a real broker', () => {
  test('each produces every frame of its window once, and its report matches the topic', async () => {
    const results = await rig.run({ contenders })
    logCounts('clean run', results)
    expectClean(results)
    for (const r of results) {
      const m = r.report!.messages
      expect(r.report!.status).toBe('complete')
      expect(m.received).toBeGreaterThan(100)
      expect(m.delivered).toBe(m.received)
      expect(m.failed).toBe(0)
      expect(r.audit!.topicCount).toBe(m.delivered + r.report!.warmup.delivered)
      expect(r.audit!.unknownValues).toBe(0)
      expect(r.report!.connections.planned).toBe(3)
      expect(r.report!.connections.opened).toBe(3)
      expect(r.report!.latency.pipeline.count).toBe(m.delivered)
      expect(r.report!.intervals.length).toBeGreaterThanOrEqual(1)
      // the window is TEST_DURATION long (a behaviour, not a speed figure)
      expect(Math.abs(r.report!.timing.accuracyMs)).toBeLessThan(1000)
    }
  })

  test('all contenders use the same librdkafka and the same effective producer settings', async () => {
    const results = await rig.run({ contenders, durationS: 1 })
    expectClean(results)
    const versions = new Set(results.map((r) => r.report!.librdkafka.version))
    expect([...versions]).toEqual(['2.15.1'])
    const settings = results.map((r) => JSON.stringify(Object.entries(r.report!.producerSettings).sort()))
    expect(new Set(settings).size).toBe(1)
    // the one settings file, as every contender echoes it
    expect(results[0]!.report!.producerSettings).toMatchObject(SETTINGS)
    // the node row runs on the pinned LTS Node set-up installed, and its report says so
    // every contender on Node runs the pinned LTS Node set-up installed
    for (const r of results.filter((r) => entryOf(r.contender).runtime.name === 'node'))
      expect(r.report!.runtime).toMatchObject({ name: 'node', version: NODE_VERSION })
  })

  test('a feed-side drop mid-window is survived: reconnect counted, nothing lost or duplicated', async () => {
    rig.feed.setFaults({ dropAfterMs: 2500 })
    try {
      const results = await rig.run({ contenders, durationS: 5 })
      logCounts('feed drops connections', results)
      expectClean(results)
      for (const r of results) {
        expect(r.report!.connections.reconnects).toBeGreaterThanOrEqual(1)
        expect(r.report!.reliability.reconnects).toBe(r.report!.connections.reconnects)
        expect(r.report!.connections.disconnectedMs).toBeGreaterThan(0)
        expect(r.report!.messages.delivered).toBe(r.report!.messages.received)
      }
    } finally {
      rig.feed.setFaults({})
    }
  })

  test('malformed frames are counted and sampled, never produced, never fatal', async () => {
    rig.feed.setFaults({ malformedEvery: 25 })
    try {
      const results = await rig.run({ contenders })
      logCounts('malformed frames', results)
      expectClean(results)
      for (const r of results) {
        const m = r.report!.messages
        expect(m.invalid).toBeGreaterThan(0)
        expect(m.invalidSamples.length).toBeGreaterThan(0)
        expect(r.report!.reliability.invalidFrames).toBe(m.invalid)
        // every value in the topic is a frame the feed sent as a valid ticker
        expect(r.audit!.unknownValues).toBe(0)
        expect(m.delivered).toBe(m.received - m.invalid)
      }
    } finally {
      rig.feed.setFaults({})
    }
  })

  test('warm-up messages are produced, marked and audited apart; the window counts none of them', async () => {
    const results = await rig.run({ contenders, warmupS: 2 })
    expectClean(results)
    for (const r of results) {
      const w = r.report!.warmup
      expect(w.targetS).toBe(2)
      expect(w.durationMs).toBeGreaterThanOrEqual(2000)
      expect(w.delivered).toBeGreaterThan(0)
      expect(r.audit!.warmupCount).toBe(w.delivered)
      expect(r.audit!.topicCount).toBe(w.delivered + r.report!.messages.delivered)
      expect(r.report!.latency.pipeline.count).toBe(r.report!.messages.delivered)
      // the histograms are the window's: the warm-up's deliveries are in none of them
      const pipeline = hdr.decodeFromCompressedBase64(r.report!.latency.histograms.pipeline)
      expect(pipeline.totalCount).toBe(r.report!.messages.delivered)
    }
  })
})
