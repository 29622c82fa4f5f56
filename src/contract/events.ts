/**
 * @module contract/events
 * The machine lines a contender prints on stdout: `@bench ` followed by one JSON object. The
 * bench reads them with these schemas; set-up exports them as `schemas/events.schema.json`, and
 * Go's and Python's tests check that what they print validates.
 */
import { z } from 'zod'
import { Contender, Status } from './report.ts'

export const EVENT_PREFIX = '@bench '

const epochMs = z.number().int().nonnegative()
const count = z.number().int().nonnegative()

export const ReadyEvent = z.object({
  event: z.literal('ready'),
  contender: Contender,
  /** connections open and subscribed (given-up ones are not counted) */
  connections: count,
  markets: count,
  atMs: epochMs,
})
/** Production began (at ready); the window opens at `startMs`. */
export const WarmupEvent = z.object({ event: z.literal('warmup'), fromMs: epochMs, startMs: epochMs })
export const StartEvent = z.object({ event: z.literal('start'), startMs: epochMs })
export const MetricsEvent = z.object({
  event: z.literal('metrics'),
  offsetMs: z.number().nonnegative(),
  received: count,
  delivered: count,
  failed: count,
  receivedPerSec: z.number().nonnegative(),
  deliveredPerSec: z.number().nonnegative(),
  pipelineP99Us: z.number().nonnegative(),
  rssBytes: z.number().nonnegative(),
})
export const EndEvent = z.object({ event: z.literal('end'), endMs: epochMs })
export const ReportEvent = z.object({ event: z.literal('report'), path: z.string().min(1), status: Status })
export const ErrorEvent = z.object({ event: z.literal('error'), message: z.string() })

export const BenchEvent = z.discriminatedUnion('event', [
  ReadyEvent,
  WarmupEvent,
  StartEvent,
  MetricsEvent,
  EndEvent,
  ReportEvent,
  ErrorEvent,
])
export type BenchEvent = z.infer<typeof BenchEvent>

/** Parses one stdout line; undefined when it is not a machine line (human lines are free text). */
export function parseEventLine(line: string): BenchEvent | undefined {
  if (!line.startsWith(EVENT_PREFIX)) return undefined
  const parsed = BenchEvent.safeParse(JSON.parse(line.slice(EVENT_PREFIX.length)))
  if (!parsed.success) throw new Error(`bad @bench line ${JSON.stringify(line)}: ${parsed.error.issues[0]?.message}`)
  return parsed.data
}
