/**
 * @module bench/audit
 * After a run, read every contender's topic back and hold its report to it: the topic holds
 * exactly what the report calls delivered, `seq` headers have no duplicates and no gaps beyond
 * the failures the report admits, keys match the frame's market, and every value is
 * byte-identical to a frame the feed sent.
 */
import type { Report } from '../contract/report.ts'

export interface AuditedMessage {
  key: Uint8Array | null
  value: Uint8Array
  headers: Record<string, string>
}

export interface AuditResult {
  contender: string
  topic: string
  topicCount: number
  delivered: number
  missingSeqs: number
  duplicateSeqs: number
  /** values no frame of the feed matches byte for byte (-1: not checked, e.g. live source) */
  unknownValues: number
  wrongKeys: number
  ok: boolean
  problems: string[]
}

const CODE = /"code":"([^"]+)"/

/**
 * `wasSent` answers whether the feed sent exactly these bytes; undefined skips that check
 * (live exchange: nothing to compare with).
 */
export function auditTopic(
  report: Report,
  topic: string,
  messages: AuditedMessage[],
  wasSent?: (value: Uint8Array) => boolean,
): AuditResult {
  const problems: string[] = []
  const seen = new Uint8Array(report.messages.received + 2)
  let duplicates = 0
  let outOfRange = 0
  let unknown = 0
  let wrongKeys = 0
  let wrongContender = 0
  const decoder = new TextDecoder()
  for (const message of messages) {
    const seq = Number(message.headers.seq)
    if (!Number.isInteger(seq) || seq < 1 || seq > report.messages.received) outOfRange++
    else if (seen[seq]) duplicates++
    else seen[seq] = 1
    if (message.headers.contender !== report.contender) wrongContender++
    const key = message.key ? decoder.decode(message.key) : ''
    const code = CODE.exec(decoder.decode(message.value.subarray(0, 200)))?.[1]
    if (code !== key) wrongKeys++
    if (wasSent && !wasSent(message.value)) unknown++
  }
  let present = 0
  for (let s = 1; s <= report.messages.received; s++) present += seen[s]!
  // seqs 1..received were all assigned; those the topic lacks must be owned as failed or in flight
  const admitted = report.messages.failed + report.messages.inFlightAtEnd

  if (messages.length !== report.messages.delivered) {
    problems.push(`topic holds ${messages.length} messages, report says ${report.messages.delivered} delivered`)
  }
  if (duplicates > 0) problems.push(`${duplicates} duplicated seq numbers`)
  if (outOfRange > 0) problems.push(`${outOfRange} messages with a seq outside 1..${report.messages.received}`)
  if (wrongContender > 0) problems.push(`${wrongContender} messages with a contender header other than ${report.contender}`)
  if (wrongKeys > 0) problems.push(`${wrongKeys} messages whose key is not the frame's market code`)
  if (unknown > 0) problems.push(`${unknown} values that are not byte-identical to any frame the feed sent`)
  const gaps = report.messages.received - present
  if (gaps > admitted) {
    problems.push(`${gaps - admitted} seq numbers missing from the topic that the report does not count as failed`)
  }
  return {
    contender: report.contender,
    topic,
    topicCount: messages.length,
    delivered: report.messages.delivered,
    missingSeqs: Math.max(gaps - admitted, 0),
    duplicateSeqs: duplicates,
    unknownValues: wasSent ? unknown : -1,
    wrongKeys,
    ok: problems.length === 0,
    problems,
  }
}
