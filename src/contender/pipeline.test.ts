/**
 * The pipeline's phases against a recording sink: what is counted where, what is produced with
 * which `phase` header, and that warm-up acks arriving inside the window stay out of it.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import type { Phase, Producer } from './kafka/sink.ts'
import { Recorder } from './metrics/recorder.ts'
import { RunCounts } from './metrics/run-counts.ts'
import { Pipeline } from './pipeline.ts'
import { frameRules } from './upbit/frame-check.ts'

const ticker = (code = 'KRW-BTC') =>
  new TextEncoder().encode(`{"type":"ticker","code":"${code}","trade_price":1,"timestamp":1}`).buffer as ArrayBuffer
const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer

function rig() {
  const produced: Array<{ seq: number; phase: Phase }> = []
  // all the pipeline sees of a sink
  const sink: Producer = {
    produce: (_key, _value, seq, phase) => (produced.push({ seq, phase }), true),
    poll: () => 0,
    outqLen: () => 0,
  }
  const recorder = new Recorder()
  const counts = new RunCounts()
  const pipeline = new Pipeline(recorder, counts)
  pipeline.attach(sink, frameRules('ticker', ['KRW-BTC']))
  return { pipeline, recorder, counts, produced }
}

let stop: (() => void) | undefined
afterEach(() => stop?.())

describe('pipeline phases', () => {
  test('before ready data frames are counted and dropped; status and error answers are never data', () => {
    const { pipeline, counts, produced } = rig()
    stop = () => pipeline.stop()
    expect(pipeline.onFrame(ticker())).toBe(true)
    expect(pipeline.onFrame(bytes('{"status":"UP"}'))).toBe(false)
    expect(pipeline.onFrame(bytes('{"error":{"name":"INVALID_AUTH"}}'))).toBe(false)
    expect({
      beforeReady: counts.beforeReady,
      status: counts.statusFrames,
      errors: counts.errorFrames,
      produced,
    }).toEqual({ beforeReady: 1, status: 1, errors: { INVALID_AUTH: 1 }, produced: [] })
  })

  test('warm-up frames are produced as warmup, window frames as window, with one sequence', () => {
    const { pipeline, recorder, counts, produced } = rig()
    stop = () => pipeline.stop()
    pipeline.startWarmup()
    pipeline.onFrame(ticker())
    pipeline.onFrame(ticker('KRW-NOPE'))
    pipeline.onFrame(ticker())
    pipeline.openWindow()
    pipeline.onFrame(ticker())
    pipeline.onFrame(bytes('garbage'))
    pipeline.closeWindow()
    pipeline.onFrame(ticker())
    expect(produced).toEqual([
      { seq: 1, phase: 'warmup' },
      { seq: 2, phase: 'warmup' },
      { seq: 3, phase: 'window' },
    ])
    expect({ ...counts.warmup }).toEqual({ received: 3, produced: 2, delivered: 0, failed: 0 })
    expect({ received: recorder.received, invalid: recorder.invalid, produced: recorder.produced }).toEqual({
      received: 2,
      invalid: 1,
      produced: 1,
    })
  })

  test('warm-up acks that arrive after the window opened count for the warm-up only', () => {
    const { pipeline, recorder, counts } = rig()
    stop = () => pipeline.stop()
    pipeline.startWarmup()
    pipeline.onFrame(ticker())
    pipeline.onFrame(ticker())
    pipeline.openWindow()
    pipeline.onFrame(ticker())
    pipeline.onDelivery(1, undefined)
    pipeline.onDelivery(2, '_MSG_TIMED_OUT')
    pipeline.onDelivery(3, undefined)
    expect(counts.warmup).toMatchObject({ delivered: 1, failed: 1 })
    expect({
      delivered: recorder.delivered,
      failed: recorder.failed,
      errors: recorder.errorsByCode,
      pipeline: recorder.pipeline.totalCount,
    }).toEqual({ delivered: 1, failed: 0, errors: {}, pipeline: 1 })
  })

  test('a frame the connection refused as too large is counted invalid in the window, sampled without bytes', () => {
    const { pipeline, recorder, counts, produced } = rig()
    stop = () => pipeline.stop()
    pipeline.startWarmup()
    pipeline.refused('too-large')
    pipeline.openWindow()
    pipeline.refused('too-large')
    expect(recorder.invalidSamples).toEqual([{ reason: 'too-large', frame: '', bytes: 0 }])
    expect({ received: recorder.received, invalid: recorder.invalid }).toEqual({ received: 1, invalid: 1 })
    expect(counts.warmup.received).toBe(1)
    expect(produced).toEqual([])
  })
})
