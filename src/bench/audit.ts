/**
 * @module bench/audit
 * After a run, read every contender's topic back and hold its report to it. Warm-up and window
 * messages (header `phase`) are checked separately: each phase's count in the topic equals what
 * the report calls delivered in that phase, every warm-up `seq` comes before every window `seq`,
 * `seq` headers have no duplicates and no gaps beyond the undelivered messages the report admits,
 * `seq` rises with the offset in every partition (the idempotent producer keeps order across
 * retries), keys match the frame's market, and every value is byte-identical to a frame the feed
 * sent. A topic whose contender wrote no report is held to nothing: any message in it is unaccounted
 * for. `auditTopic` is the one audit, for the bench's race and for the tests' rounds alike.
 */
import type { Contender, Report } from '../contract/report.ts'
import { readTopic, type ConsumedMessage } from '../librdkafka/consumer.ts'

/** A message to audit; where it was read from is optional (order is checked per partition when present). */
export type AuditedMessage = Omit<ConsumedMessage, 'partition' | 'offset'> &
  Partial<Pick<ConsumedMessage, 'partition' | 'offset'>>

export interface AuditResult {
  contender: string
  topic: string
  topicCount: number
  /** messages with `phase: warmup` */
  warmupCount: number
  /** window messages the report calls delivered */
  delivered: number
  missingSeqs: number
  duplicateSeqs: number
  /** values no frame of the feed matches byte for byte (-1: not checked, e.g. live source) */
  unknownValues: number
  wrongKeys: number
  /** messages whose seq is not above the previous one in their partition */
  outOfOrder: number
  ok: boolean
  problems: string[]
}

const CODE = /"code":"([^"]+)"/

interface Tally {
  warmup: number
  window: number
  badPhase: number
  duplicates: number
  badSeq: number
  unknown: number
  wrongKeys: number
  wrongContender: number
  outOfOrder: number
  maxWarmupSeq: number
  minWindowSeq: number
  seqs: Set<number>
}

function tally(report: Report, messages: AuditedMessage[], wasSent?: (value: Uint8Array) => boolean): Tally {
  const t: Tally = {
    warmup: 0,
    window: 0,
    badPhase: 0,
    duplicates: 0,
    badSeq: 0,
    unknown: 0,
    wrongKeys: 0,
    wrongContender: 0,
    outOfOrder: 0,
    maxWarmupSeq: 0,
    minWindowSeq: Number.POSITIVE_INFINITY,
    seqs: new Set(),
  }
  const decoder = new TextDecoder()
  const lastSeq = new Map<number, number>()
  const inOrder = [...messages].sort(
    (a, b) => (a.partition ?? 0) - (b.partition ?? 0) || (a.offset ?? 0) - (b.offset ?? 0),
  )
  for (const message of messages[0]?.offset === undefined ? [] : inOrder) {
    const seq = Number(message.headers.seq)
    if (seq <= (lastSeq.get(message.partition!) ?? 0)) t.outOfOrder++
    lastSeq.set(message.partition!, seq)
  }
  for (const message of messages) {
    const seq = Number(message.headers.seq)
    if (!Number.isInteger(seq) || seq < 1) t.badSeq++
    else if (t.seqs.has(seq)) t.duplicates++
    else t.seqs.add(seq)
    const phase = message.headers.phase
    if (phase === 'warmup') {
      t.warmup++
      t.maxWarmupSeq = Math.max(t.maxWarmupSeq, seq)
    } else if (phase === 'window') {
      t.window++
      t.minWindowSeq = Math.min(t.minWindowSeq, seq)
    } else t.badPhase++
    if (message.headers.contender !== report.contender) t.wrongContender++
    const key = message.key ? decoder.decode(message.key) : ''
    const code = CODE.exec(decoder.decode(message.value.subarray(0, 200)))?.[1]
    if (code !== key) t.wrongKeys++
    if (wasSent && !wasSent(message.value)) t.unknown++
  }
  return t
}

/**
 * Holds `report` to the messages read back from its topic. `wasSent` answers whether the feed sent
 * exactly these bytes; undefined skips that check (live exchange: nothing to compare with).
 */
export function auditMessages(
  report: Report,
  topic: string,
  messages: AuditedMessage[],
  wasSent?: (value: Uint8Array) => boolean,
): AuditResult {
  const t = tally(report, messages, wasSent)
  const m = report.messages
  const w = report.warmup
  const problems: string[] = []
  if (t.window !== m.delivered)
    problems.push(`topic holds ${t.window} window messages, report says ${m.delivered} delivered`)
  if (t.warmup !== w.delivered)
    problems.push(`topic holds ${t.warmup} warm-up messages, report says ${w.delivered} delivered in the warm-up`)
  if (t.badPhase > 0) problems.push(`${t.badPhase} messages without a phase header of warmup or window`)
  if (t.maxWarmupSeq >= t.minWindowSeq)
    problems.push(`warm-up seq ${t.maxWarmupSeq} is not before the first window seq ${t.minWindowSeq}`)
  if (t.duplicates > 0) problems.push(`${t.duplicates} duplicated seq numbers`)
  if (t.outOfOrder > 0)
    problems.push(`${t.outOfOrder} messages whose seq is not above the previous one in their partition (order broken)`)
  if (t.badSeq > 0) problems.push(`${t.badSeq} messages without a valid seq header`)
  if (t.wrongContender > 0)
    problems.push(`${t.wrongContender} messages with a contender header other than ${report.contender}`)
  if (t.wrongKeys > 0) problems.push(`${t.wrongKeys} messages whose key is not the frame's market code`)
  if (t.unknown > 0) problems.push(`${t.unknown} values that are not byte-identical to any frame the feed sent`)
  // every seq up to the highest one in the topic was assigned; the absent ones must be owned as
  // not delivered (failed, in flight at the end, or refused by a full queue)
  const highest = t.seqs.size === 0 ? 0 : Math.max(...t.seqs)
  const gaps = highest - t.seqs.size
  const admitted = Math.max(m.received - m.invalid - m.delivered, 0) + Math.max(w.received - w.delivered, 0)
  const missing = Math.max(gaps - admitted, 0)
  if (missing > 0)
    problems.push(`${missing} seq numbers missing from the topic that the report does not count as undelivered`)
  return {
    contender: report.contender,
    topic,
    topicCount: messages.length,
    warmupCount: t.warmup,
    delivered: m.delivered,
    missingSeqs: missing,
    duplicateSeqs: t.duplicates,
    unknownValues: wasSent ? t.unknown : -1,
    wrongKeys: t.wrongKeys,
    outOfOrder: t.outOfOrder,
    ok: problems.length === 0,
    problems,
  }
}

/** With no report, nothing accounts for the topic's messages: a failed audit when there are any. */
export function auditUnreported(
  contender: Contender,
  topic: string,
  messages: AuditedMessage[],
): AuditResult | undefined {
  if (messages.length === 0) return undefined
  const none = { warmupCount: 0, delivered: 0, missingSeqs: 0, duplicateSeqs: 0, wrongKeys: 0, outOfOrder: 0 }
  return {
    contender,
    topic,
    topicCount: messages.length,
    ...none,
    unknownValues: -1,
    ok: false,
    problems: [
      `topic holds ${messages.length} messages but the contender wrote no report, so none of them is accounted for`,
    ],
  }
}

/**
 * Reads `topic` back and audits it against `report` (see auditMessages); without a report, a topic
 * holding messages fails the audit and an empty one has nothing to audit (undefined).
 */
export async function auditTopic(o: {
  bootstrap: string
  topic: string
  contender: Contender
  report: Report | undefined
  wasSent?: (value: Uint8Array) => boolean
}): Promise<AuditResult | undefined> {
  const messages = await readTopic(o.bootstrap, o.topic)
  if (!o.report) return auditUnreported(o.contender, o.topic, messages)
  return auditMessages(o.report, o.topic, messages, o.wasSent)
}
