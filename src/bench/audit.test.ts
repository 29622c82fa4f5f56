import { describe, expect, test } from 'bun:test'
import { makeReport } from '../comparison/fixture.ts'
import type { Report } from '../contract/report.ts'
import { auditMessages, auditUnreported, type AuditedMessage } from './audit.ts'

const enc = new TextEncoder()

function message(seq: number, phase: string, code = 'KRW-BTC', contender = 'bun'): AuditedMessage {
  return {
    key: enc.encode(code),
    value: enc.encode(`{"type":"ticker","code":"${code}","trade_price":1}`),
    headers: { seq: String(seq), phase, contender },
  }
}

/** A report whose warm-up delivered `warm` and window delivered `window` messages. */
function report(warm: number, window: number, tweak?: (r: Report) => void): Report {
  return makeReport('bun', 1, (r) => {
    r.warmup = { ...r.warmup, received: warm, produced: warm, delivered: warm, failed: 0 }
    r.messages = { ...r.messages, received: window, produced: window, delivered: window, failed: 0, inFlightAtEnd: 0 }
    tweak?.(r)
  })
}

const topic = (warm: number, window: number) => [
  ...Array.from({ length: warm }, (_, i) => message(i + 1, 'warmup')),
  ...Array.from({ length: window }, (_, i) => message(warm + i + 1, 'window')),
]

describe('auditMessages', () => {
  test('passes a topic holding exactly the warm-up and window messages the report delivered', () => {
    const a = auditMessages(report(3, 5), 't', topic(3, 5))
    expect(a.problems).toEqual([])
    expect([a.ok, a.warmupCount, a.topicCount]).toEqual([true, 3, 8])
  })

  test('checks each phase’s count on its own', () => {
    const a = auditMessages(report(4, 4), 't', topic(3, 5))
    expect(a.ok).toBe(false)
    expect(a.problems).toContain('topic holds 5 window messages, report says 4 delivered')
    expect(a.problems).toContain('topic holds 3 warm-up messages, report says 4 delivered in the warm-up')
  })

  test('a topic holding more than was acknowledged says so when the report had that many in flight, and still fails', () => {
    const inFlight = report(3, 4)
    inFlight.messages.inFlightAtEnd = 2
    const a = auditMessages(inFlight, 't', topic(3, 5))
    expect(a.ok).toBe(false)
    expect(a.problems).toContain(
      'topic holds 5 window messages, report says 4 delivered (1 more: written to Kafka but never acknowledged to the contender, which exited with 2 in flight)',
    )
    // none in flight: no such explanation is possible
    expect(auditMessages(report(3, 4), 't', topic(3, 5)).problems).toContain(
      'topic holds 5 window messages, report says 4 delivered',
    )
  })

  test('finds duplicates, a missing phase, a warm-up seq after the window began, and wrong keys', () => {
    const messages = [
      ...topic(2, 2),
      message(3, 'window'),
      message(9, 'nonsense'),
      message(10, 'warmup'),
      { ...message(11, 'window'), key: enc.encode('KRW-ETH') },
    ]
    const a = auditMessages(report(3, 4), 't', messages)
    expect(a.duplicateSeqs).toBe(1)
    expect(a.problems.join('\n')).toMatch(/without a phase header/)
    expect(a.problems.join('\n')).toMatch(/warm-up seq 10 is not before the first window seq 3/)
    expect(a.wrongKeys).toBe(1)
  })

  test('admits gaps only as far as the report counts undelivered messages', () => {
    const holes = topic(2, 6).filter((m) => m.headers.seq !== '5' && m.headers.seq !== '6')
    const owned = auditMessages(
      report(2, 6, (r) => void ((r.messages.delivered = 4), (r.messages.failed = 2))),
      't',
      holes,
    )
    expect(owned.missingSeqs).toBe(0)
    const unowned = auditMessages(
      report(2, 4, (r) => void (r.messages.received = 4)),
      't',
      holes,
    )
    expect(unowned.missingSeqs).toBe(2)
    expect(unowned.ok).toBe(false)
  })

  test('checks that seq rises with the offset in every partition', () => {
    const placed = topic(1, 4).map((m, i) => ({ ...m, partition: i % 2, offset: Math.floor(i / 2) }))
    expect(auditMessages(report(1, 4), 't', placed).outOfOrder).toBe(0)
    // swap two offsets of partition 0: the later seq now comes first
    const swapped = placed.map((m) => (m.partition === 0 && m.offset! < 2 ? { ...m, offset: 1 - m.offset! } : m))
    const a = auditMessages(report(1, 4), 't', swapped)
    expect(a.outOfOrder).toBe(1)
    expect(a.problems.join()).toMatch(/order broken/)
  })

  test('flags values the feed never sent, and skips that check without a feed', () => {
    expect(auditMessages(report(1, 1), 't', topic(1, 1), () => false).unknownValues).toBe(2)
    expect(auditMessages(report(1, 1), 't', topic(1, 1)).unknownValues).toBe(-1)
  })
})

describe('an hour-long topic', () => {
  // a soak at 2,000 msg/s leaves 7.2 M messages per topic; the audit once spread every seq into
  // Math.max, which throws past about a million arguments (JavaScriptCore's stack)
  test('is audited without holding its seqs as arguments or a Set', () => {
    const n = 1_100_000
    const key = enc.encode('KRW-BTC')
    const value = enc.encode('{"type":"ticker","code":"KRW-BTC","trade_price":1}')
    const messages = Array.from({ length: n }, (_, i) => ({
      key,
      value,
      headers: { seq: String(i + 1), phase: 'window', contender: 'bun' },
      partition: i % 3,
      offset: Math.floor(i / 3),
    }))
    const a = auditMessages(report(0, n), 't', messages)
    expect(a.problems).toEqual([])
    expect([a.ok, a.topicCount, a.missingSeqs, a.outOfOrder]).toEqual([true, n, 0, 0])
    // a gap the report does not own is still found at that size
    const gapped = auditMessages(report(0, n - 1), 't', messages.slice(0, n - 2).concat(messages.slice(n - 1)))
    expect(gapped.problems).toContain(
      '1 seq numbers missing from the topic that the report does not count as undelivered',
    )
  })

  test('a seq far past any run is invalid, not a reason to allocate for it', () => {
    const a = auditMessages(report(0, 2), 't', [message(1, 'window'), message(2 ** 40, 'window')])
    expect(a.problems).toContain('1 messages without a valid seq header')
  })
})

describe('auditUnreported', () => {
  // the tests' rounds (bench/fixture.ts) used to skip a contender without a report, so messages
  // it left in its topic went unnoticed there while the race failed on them
  test('a topic holding messages that no report accounts for fails the audit; an empty one has nothing to audit', () => {
    const a = auditUnreported('bun', 't', topic(1, 2))
    expect(a?.ok).toBe(false)
    expect(a?.topicCount).toBe(3)
    expect(a?.problems).toEqual([
      'topic holds 3 messages but the contender wrote no report, so none of them is accounted for',
    ])
    expect(auditUnreported('bun', 't', [])).toBeUndefined()
  })
})
