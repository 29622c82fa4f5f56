/**
 * @module ceilings/result
 * One physical-limit row: what a limit tool (the C producer on librdkafka, Kafka's
 * ProducerPerformance, the plain feed reader) achieved, in the units the ladder compares against.
 */
export interface LimitResult {
  /** the row's name in the report, e.g. `librdkafka alone (C)` */
  name: string
  /** delivered (acknowledged) messages per second over the tool's own timed window */
  messagesPerSec: number
  /** value bytes per second in MiB (2^20), as Kafka's ProducerPerformance prints "MB/sec" */
  mbPerSec: number
  /** messages delivered in that window */
  messages: number
  /** how it was measured: tool, version, message size, settings caveats */
  note: string
  /** send → acknowledgement p99, when the tool measures it */
  p99Ms?: number
}

/** A limit tool failed to run (exit code and the tail of its output name why). */
export class LimitToolError extends Error {
  override name = 'LimitToolError'
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(message)
  }
}

/** the last `lines` lines of a tool's output, for error messages */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n')
}
