/**
 * The audit reads a topic back as a stream and, when it cannot read it to the end, fails the audit
 * with the reason instead of throwing: a race whose audit could not finish still writes its
 * comparison and exits 1 (an hour's soak once lost everything it had measured to a fixed 60-s read
 * deadline that threw).
 */
import { expect, test } from 'bun:test'
import { makeReport } from '../comparison/fixture.ts'
import { auditTopic } from './audit.ts'

test('a topic that cannot be read back fails the audit, naming why, and does not throw', async () => {
  // nothing listens on port 1: the metadata request times out
  const audit = await auditTopic({
    bootstrap: '127.0.0.1:1',
    topic: 'upbit-ticker-nowhere',
    contender: 'bun',
    report: makeReport('bun', 1),
  })
  expect(audit?.ok).toBe(false)
  expect(audit?.problems.join('; ')).toMatch(/^the topic could not be read back: metadata request failed/)
}, 30_000)
