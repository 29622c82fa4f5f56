/**
 * @module comparison/headline
 * The comparison's headline: latency is exchange→ack (from each frame's own timestamp, with the
 * local feed its intended send time, to the Kafka ack), so a producer that falls behind the feed
 * cannot hide the time its frames waited in the socket before it read them (coordinated
 * omission); pipeline (frame read → ack) and processing (frame read → produce returned) are its
 * breakdown. Names the contenders whose frames waited, and says what exchange→ack means, and how
 * far it can be trusted, when the timestamps came from the live exchange's clock.
 */
import type { Contender, Report } from '../contract/report.ts'
import type { ComparisonInput } from './input.ts'
import { table } from './markdown.ts'
import { formatSpread, formatValue, spreadOf, UNITS, type Unit } from './spread.ts'

/**
 * A contender whose frames waited longer than this before it read them (p99) fell behind the feed.
 * The same 50 ms the local feed allows its own send lag before it calls itself behind
 * (BEHIND_P99_US in src/feed/schedule.ts).
 */
export const BEHIND_WAIT_US = 50_000

/** The frames' timestamps came from the live exchange: no local feed (a ladder always has one, its figures kept apart). */
const liveExchange = (input: Pick<ComparisonInput, 'feed' | 'ladder'>) => !input.feed && !input.ladder

const median = (reports: Report[], get: (r: Report) => number) => spreadOf(reports.map(get))?.median ?? 0

/** How long a contender's frames waited before it read them, p99, roughly: exchange→ack p99 − pipeline p99. */
export function waitBeforeReadUs(reports: Report[]): number {
  return Math.max(
    0,
    median(reports, (r) => r.latency.exchangeToAck.p99Us) - median(reports, (r) => r.latency.pipeline.p99Us),
  )
}

export interface BehindFeed {
  contender: Contender
  /** exchange→ack p99, median over rounds */
  exchangeToAckP99Us: number
  pipelineP99Us: number
  /** exchange→ack p99 − pipeline p99 */
  waitUs: number
  /** the wait before read beyond what every frame pays anyway (the feed's lag, or the live path) */
  excessWaitUs: number
}

/**
 * The contenders that fell behind the feed. What every frame pays before any producer can read
 * it is taken off: with the local feed its own send lag p99; with the live exchange (its clock,
 * the internet path), the smallest wait of the contenders, which share both.
 */
export function behindFeed(
  byContender: Map<Contender, Report[]>,
  input: Pick<ComparisonInput, 'feed' | 'ladder'>,
): BehindFeed[] {
  const waits = [...byContender].map(([c, reports]) => [c, waitBeforeReadUs(reports)] as const)
  const base = input.feed ? input.feed.lagP99Us : liveExchange(input) ? Math.min(...waits.map(([, w]) => w)) : 0
  return waits
    .map(([contender, wait]) => {
      const reports = byContender.get(contender)!
      return {
        contender,
        exchangeToAckP99Us: median(reports, (r) => r.latency.exchangeToAck.p99Us),
        pipelineP99Us: median(reports, (r) => r.latency.pipeline.p99Us),
        waitUs: wait,
        excessWaitUs: Math.max(0, wait - base),
      }
    })
    .filter((b) => b.excessWaitUs > BEHIND_WAIT_US)
    .sort((a, b) => b.excessWaitUs - a.excessWaitUs)
}

/** The verdict row on falling behind: the contenders named, or none. */
export function behindVerdict(
  byContender: Map<Contender, Report[]>,
  input: Pick<ComparisonInput, 'feed' | 'ladder'>,
): string {
  const behind = behindFeed(byContender, input)
  const ms = (us: number) => formatValue(us, UNITS.latency)
  if (behind.length === 0) {
    const late =
      input.feed && input.feed.lagP99Us > 0
        ? `, the feed’s own send lag p99 of ${ms(input.feed.lagP99Us)} taken off`
        : ''
    return `none: every contender read its frames within ${ms(BEHIND_WAIT_US)} of when they were sent (p99${late})`
  }
  return behind
    .map(
      (b) =>
        `**${b.contender}** fell behind the feed: exchange→ack p99 ${ms(b.exchangeToAckP99Us)} against pipeline p99 ${ms(b.pipelineP99Us)} (its frames waited about ${ms(b.waitUs)} before it read them)`,
    )
    .join('; ')
}

/** What exchange→ack means for this run's source, and how far it can be trusted. */
export function exchangeClockNote(input: ComparisonInput, reports: Report[]): string {
  if (!liveExchange(input))
    return (
      'Exchange→ack starts at each frame’s `timestamp`, which the local feed sets to the frame’s intended send time on this machine’s clock: ' +
      'it counts the feed’s own lateness, the time the frame waited in the socket before the producer read it, and the pipeline. ' +
      'It is free of coordinated omission: a producer that stops reading cannot stop its frames’ clocks.'
    )
  const min = Math.min(...reports.map((r) => r.latency.exchangeToAck.minUs))
  return (
    '**Live exchange:** exchange→ack starts at the frame’s `timestamp` as Upbit stamped it, on Upbit’s clock, and ends on this machine’s. ' +
    'It holds Upbit’s own delay before sending, the internet path and the offset between the two clocks (not measured here: NTP usually keeps it within milliseconds, but nothing checks it; a negative difference is recorded as 0). ' +
    `The smallest exchange→ack any contender saw was ${formatValue(min, UNITS.latency)}: the path plus the clocks’ offset is at most about that. ` +
    'Trust the differences between contenders of one concurrent run (they share the path, the clocks and the frames), not the absolute figure, and do not compare it with a local run’s.'
  )
}

interface Row {
  label: string
  get: (r: Report) => number
  unit: Unit
}

const ROWS: Row[] = [
  { label: 'throughput (delivered)', get: (r) => r.throughput.deliveredPerSec, unit: UNITS.rate },
  { label: 'latency: exchange→ack p50', get: (r) => r.latency.exchangeToAck.p50Us, unit: UNITS.latency },
  {
    label: '**latency: exchange→ack p99** (the headline)',
    get: (r) => r.latency.exchangeToAck.p99Us,
    unit: UNITS.latency,
  },
  { label: 'of which pipeline p99 (frame read → ack)', get: (r) => r.latency.pipeline.p99Us, unit: UNITS.latency },
  {
    label: 'of which processing p99 (frame read → produce returned)',
    get: (r) => r.latency.processing.p99Us,
    unit: UNITS.latency,
  },
  { label: 'CPU per message', get: (r) => r.cpu.usPerDeliveredMessage, unit: UNITS.usPerMessage },
  { label: 'memory: RSS avg', get: (r) => r.memory.rssBytes.avg, unit: UNITS.megabytes },
]

export function headlineSection(input: ComparisonInput, byContender: Map<Contender, Report[]>): string {
  const contenders = [...byContender.keys()]
  const rows = ROWS.map((row) => [
    row.label,
    ...contenders.map((c) => formatSpread(spreadOf(byContender.get(c)!.map(row.get)), row.unit)),
  ])
  rows.push([
    'waited before read, about (exchange→ack p99 − pipeline p99; the feed’s own lag included)',
    ...contenders.map((c) => formatValue(waitBeforeReadUs(byContender.get(c)!), UNITS.latency)),
  ])
  return [
    '## Headline',
    '',
    table(['', ...contenders], rows),
    '',
    `- Falling behind the feed: ${behindVerdict(byContender, input)}.`,
    `- ${exchangeClockNote(input, input.rounds.flat())}`,
  ].join('\n')
}
