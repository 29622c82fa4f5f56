/** The judge against src/contract/rules.ts, one row per situation the contract names. */
import { describe, expect, test } from 'bun:test'
import { judge, type WindowFacts } from './status.ts'

const clean: WindowFacts = {
  received: 10_000,
  invalid: 0,
  delivered: 10_000,
  failed: 0,
  inFlight: 0,
  warmup: { received: 500, produced: 500, delivered: 500, failed: 0 },
  targetMs: 60_000,
  measuredMs: 60_002,
  longestAllDownMs: 0,
  plannedConnections: 36,
  givenUp: 0,
}

describe('status', () => {
  test.each<[string, Partial<WindowFacts>, string, string[], number]>([
    ['a clean run', {}, 'complete', [], 0],
    ['invalid frames alone change nothing', { invalid: 500, delivered: 9500 }, 'complete', [], 0],
    [
      'every connection refused: 0 messages',
      { received: 0, delivered: 0, longestAllDownMs: 60_000, givenUp: 36 },
      'failed',
      ['no-messages', 'none-delivered', 'all-connections-down', 'connections-given-up'],
      6,
    ],
    [
      'the broker killed at +5 s and not restarted: 71 % undelivered',
      { delivered: 2900, inFlight: 7100 },
      'failed',
      ['undelivered'],
      6,
    ],
    ['only invalid frames: nothing to deliver', { invalid: 10_000, delivered: 0 }, 'failed', ['none-delivered'], 6],
    ['1 % undelivered is degraded', { delivered: 9900, failed: 100 }, 'degraded', ['undelivered'], 5],
    ['just over 1 % undelivered fails', { delivered: 9899, inFlight: 101 }, 'failed', ['undelivered'], 6],
    [
      'all connections down for 10 s in one stretch',
      { longestAllDownMs: 10_000 },
      'failed',
      ['all-connections-down'],
      6,
    ],
    ['down 9.9 s is not yet', { longestAllDownMs: 9999 }, 'complete', [], 0],
    [
      'a 10-s window: half of it is the limit',
      { targetMs: 10_000, measuredMs: 10_000, longestAllDownMs: 5000 },
      'failed',
      ['all-connections-down'],
      6,
    ],
    ['a connection given up', { givenUp: 1 }, 'degraded', ['connections-given-up'], 5],
    ['a window 1.5 s short', { measuredMs: 58_500 }, 'degraded', ['short-window'], 5],
    ['a window 1 s long is fine', { measuredMs: 61_000 }, 'complete', [], 0],
    [
      'failed and degraded reasons together, in the contract order',
      { delivered: 9000, failed: 1000, givenUp: 2, measuredMs: 50_000 },
      'failed',
      ['undelivered', 'connections-given-up', 'short-window'],
      6,
    ],
    [
      'a START outside the horizon: no window at all',
      { badStartMs: 9_999_999_999_999, received: 0, delivered: 0, measuredMs: 0 },
      'failed',
      ['bad-start'],
      6,
    ],
    // issue 25: go after a leader failover counted a queued event as a message in flight
    [
      'books off by one: delivered all, yet 1 in flight',
      { received: 1023, delivered: 1023, inFlight: 1 },
      'failed',
      ['unbalanced'],
      6,
    ],
    [
      'a frame counted nowhere: undelivered and unbalanced',
      { delivered: 9990 },
      'failed',
      ['undelivered', 'unbalanced'],
      6,
    ],
    [
      'failed and in flight are undelivered, but the books balance',
      { invalid: 10, delivered: 9980, failed: 5, inFlight: 5 },
      'degraded',
      ['undelivered'],
      5,
    ],
    [
      'warm-up: more delivered than produced',
      { warmup: { received: 500, produced: 400, delivered: 450, failed: 0 } },
      'failed',
      ['unbalanced'],
      6,
    ],
    [
      'warm-up: more delivered and failed than received',
      { warmup: { received: 500, produced: 500, delivered: 500, failed: 1 } },
      'failed',
      ['unbalanced'],
      6,
    ],
    [
      'a warm-up with invalid frames and produce errors balances',
      { warmup: { received: 500, produced: 480, delivered: 470, failed: 15 } },
      'complete',
      [],
      0,
    ],
    ['SIGINT keeps unbalanced too', { interrupted: 'SIGINT', inFlight: 1 }, 'interrupted', ['unbalanced'], 130],
    [
      'SIGINT wins and keeps its reasons',
      { interrupted: 'SIGINT', measuredMs: 20_000 },
      'interrupted',
      ['short-window'],
      130,
    ],
    [
      'SIGTERM wins over failed',
      { interrupted: 'SIGTERM', received: 0, delivered: 0, measuredMs: 100 },
      'interrupted',
      ['no-messages', 'none-delivered', 'short-window'],
      143,
    ],
  ])('%s', (_, facts, status, codes, exitCode) => {
    const verdict = judge({ ...clean, ...facts })
    expect({
      status: verdict.status as string,
      codes: verdict.reasons.map((r) => r.code as string),
      exitCode: verdict.exitCode,
    }).toEqual({ status, codes, exitCode })
    for (const r of verdict.reasons) expect(r.message.length).toBeGreaterThan(0)
  })

  test('unbalanced books are spelled out', () => {
    expect(judge({ ...clean, received: 1023, delivered: 1023, inFlight: 1 }).reasons[0]!.message).toBe(
      'window: delivered 1023 + failed 0 + in flight 1 = 1024, not the 1023 valid frames (received 1023 − invalid 0)',
    )
  })

  test('reasons say what happened in numbers', () => {
    expect(judge({ ...clean, delivered: 2900, inFlight: 7100 }).reasons[0]!.message).toBe(
      '7100 of 10000 valid frames (71.00 %) not delivered by the end of the flush',
    )
  })
})
