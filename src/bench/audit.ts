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
import { consumeTopic, type ConsumedMessage } from '../librdkafka/consumer.ts'
import { KafkaError } from '../librdkafka/errors.ts'

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

/** Seqs above this are not a contender's (a run would need years to reach it): counted as invalid. */
const MAX_SEQ = 2 ** 31 - 1

/**
 * One bit per seq, grown as the highest seq rises: an hour at 2,000 msg/s is 7.2 M seqs, 1 MB here
 * where a Set of numbers held hundreds of MB.
 */
class SeqBits {
  private bits = new Uint8Array(1 << 12)
  size = 0
  highest = 0

  /** false when `seq` was already there */
  add(seq: number): boolean {
    const byte = seq >>> 3
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2))
      grown.set(this.bits)
      this.bits = grown
    }
    const mask = 1 << (seq & 7)
    if ((this.bits[byte]! & mask) !== 0) return false
    this.bits[byte]! |= mask
    this.size++
    if (seq > this.highest) this.highest = seq
    return true
  }
}

/**
 * The audit's counts, taken one message at a time as the topic is read, so a soak's millions of
 * messages are never held at once. Messages of one partition must come in offset order (the
 * consumer's order) for the order check.
 */
class Tally {
  warmup = 0
  window = 0
  badPhase = 0
  duplicates = 0
  badSeq = 0
  unknown = 0
  wrongKeys = 0
  wrongContender = 0
  outOfOrder = 0
  maxWarmupSeq = 0
  minWindowSeq = Number.POSITIVE_INFINITY
  count = 0
  readonly seqs = new SeqBits()
  private readonly lastSeq = new Map<number, number>()
  private readonly decoder = new TextDecoder()

  constructor(
    private readonly contender: string,
    private readonly wasSent?: (value: Uint8Array) => boolean,
  ) {}

  add(message: AuditedMessage): void {
    this.count++
    const seq = Number(message.headers.seq)
    if (message.partition !== undefined) {
      if (seq <= (this.lastSeq.get(message.partition) ?? 0)) this.outOfOrder++
      this.lastSeq.set(message.partition, seq)
    }
    if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ) this.badSeq++
    else if (!this.seqs.add(seq)) this.duplicates++
    const phase = message.headers.phase
    if (phase === 'warmup') {
      this.warmup++
      this.maxWarmupSeq = Math.max(this.maxWarmupSeq, seq)
    } else if (phase === 'window') {
      this.window++
      this.minWindowSeq = Math.min(this.minWindowSeq, seq)
    } else this.badPhase++
    if (message.headers.contender !== this.contender) this.wrongContender++
    const key = message.key ? this.decoder.decode(message.key) : ''
    const code = CODE.exec(this.decoder.decode(message.value.subarray(0, 200)))?.[1]
    if (code !== key) this.wrongKeys++
    if (this.wasSent && !this.wasSent(message.value)) this.unknown++
  }
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
  const t = new Tally(report.contender, wasSent)
  // held in memory (the tests' rounds): put each partition in offset order for the order check
  const placed = messages[0]?.offset !== undefined
  const inOrder = placed
    ? [...messages].sort((a, b) => (a.partition ?? 0) - (b.partition ?? 0) || (a.offset ?? 0) - (b.offset ?? 0))
    : messages.map(({ partition: _p, offset: _o, ...rest }) => rest)
  for (const message of inOrder) t.add(message)
  return judge(report, topic, t, wasSent !== undefined)
}

/**
 * Why a topic can hold more than was reported delivered without anything being duplicated: a
 * message Kafka wrote whose ack never reached the contender before it exited (its report counts it
 * in flight). Said beside the problem, which stands: the report's counts still do not balance.
 */
function unacknowledged(excess: number, inFlightAtEnd: number): string {
  if (excess <= 0 || inFlightAtEnd < excess) return ''
  return ` (${excess} more: written to Kafka but never acknowledged to the contender, which exited with ${inFlightAtEnd} in flight)`
}

/** The audit's verdict on a topic's tally against its report. */
function judge(report: Report, topic: string, t: Tally, valuesChecked: boolean): AuditResult {
  const m = report.messages
  const w = report.warmup
  const problems: string[] = []
  if (t.window !== m.delivered)
    problems.push(
      `topic holds ${t.window} window messages, report says ${m.delivered} delivered${unacknowledged(t.window - m.delivered, m.inFlightAtEnd)}`,
    )
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
  const gaps = t.seqs.highest - t.seqs.size
  const admitted = Math.max(m.received - m.invalid - m.delivered, 0) + Math.max(w.received - w.delivered, 0)
  const missing = Math.max(gaps - admitted, 0)
  if (missing > 0)
    problems.push(`${missing} seq numbers missing from the topic that the report does not count as undelivered`)
  return {
    contender: report.contender,
    topic,
    topicCount: t.count,
    warmupCount: t.warmup,
    delivered: m.delivered,
    missingSeqs: missing,
    duplicateSeqs: t.duplicates,
    unknownValues: valuesChecked ? t.unknown : -1,
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
  return unreported(contender, topic, messages.length)
}

function unreported(contender: Contender, topic: string, count: number): AuditResult | undefined {
  if (count === 0) return undefined
  return failedAudit(contender, topic, count, [
    `topic holds ${count} messages but the contender wrote no report, so none of them is accounted for`,
  ])
}

function failedAudit(contender: Contender, topic: string, count: number, problems: string[]): AuditResult {
  const none = { warmupCount: 0, delivered: 0, missingSeqs: 0, duplicateSeqs: 0, wrongKeys: 0, outOfOrder: 0 }
  return { contender, topic, topicCount: count, ...none, unknownValues: -1, ok: false, problems }
}

/**
 * Reads `topic` back and audits it against `report` (see auditMessages), one message at a time;
 * without a report, a topic holding messages fails the audit and an empty one has nothing to audit
 * (undefined). A topic that cannot be read back to its end fails the audit with the reason: the
 * run is then not clean, and everything else about it is still written.
 */
export async function auditTopic(o: {
  bootstrap: string
  topic: string
  contender: Contender
  report: Report | undefined
  wasSent?: (value: Uint8Array) => boolean
  /** give up when no message arrives for this long (consumeTopic's default otherwise) */
  idleTimeoutMs?: number
}): Promise<AuditResult | undefined> {
  const t = new Tally(o.contender, o.wasSent)
  try {
    await consumeTopic(o.bootstrap, o.topic, (m) => t.add(m), { idleTimeoutMs: o.idleTimeoutMs })
  } catch (error) {
    if (!(error instanceof KafkaError)) throw error
    return failedAudit(o.contender, o.topic, t.count, [`the topic could not be read back: ${error.message}`])
  }
  if (!o.report) return unreported(o.contender, o.topic, t.count)
  return judge(o.report, o.topic, t, o.wasSent !== undefined)
}
