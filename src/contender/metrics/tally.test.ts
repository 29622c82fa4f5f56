import { expect, test } from 'bun:test'
import { Recorder } from './recorder.ts'
import { WarmupTally } from './tally.ts'

test("the warm-up tally's own fields are the report's warm-up counts and nothing else (it is spread into the report)", () => {
  const warmup = new WarmupTally()
  warmup.frame()
  warmup.producedOk()
  warmup.deliveryReport(1, undefined)
  warmup.deliveryReport(2, '_MSG_TIMED_OUT')
  expect(Object.keys(warmup).sort()).toEqual(['delivered', 'failed', 'produced', 'received'])
  expect({ ...warmup }).toEqual({ received: 1, produced: 1, delivered: 1, failed: 1 })
})

test('each tally names the phase its frames are produced with', () => {
  expect([new WarmupTally().phase, new Recorder().phase]).toEqual(['warmup', 'window'])
})
