/**
 * @module kafka/sink
 * The producer contract both TypeScript sinks meet (bun:ffi on Bun, the confluent binding on
 * Node), kept as small as OpenMessaging Benchmark's BenchmarkProducer. Handlers (delivery
 * reports, stats, errors) are given at construction and only ever called from `poll()`/`flush()`
 * or the runtime's event loop (and, in the as-shipped bun sink, from `produce()`, which polls
 * after each message as librdkafka's docs show): never from librdkafka's threads.
 */
/** The `phase` header: produced between ready and the window, or inside it. */
export type Phase = 'warmup' | 'window'

export interface Sink {
  readonly librdkafkaVersion: string
  /** the effective librdkafka properties */
  readonly settings: Record<string, string>
  /**
   * Enqueues one message with headers `seq`, `contender` and `phase` (librdkafka copies key,
   * value and headers before returning). Returns false when the local queue is full: poll and
   * retry. Other errors throw.
   */
  produce(key: Uint8Array, value: Uint8Array, seq: number, phase: Phase): boolean
  /**
   * True when the sink serves its events as librdkafka signals them (a wake-up from the event
   * loop, no timer): the pipeline then never schedules `poll()`. False or absent: the pipeline
   * polls on a timer while messages are in flight.
   */
  readonly servesItself?: boolean
  /** Serves queued events (delivery reports, stats, errors); returns how many. */
  poll(): number
  /** messages produced and not yet reported */
  outqLen(): number
  /** Polls until nothing is in flight or the deadline; resolves with what is left. */
  flush(timeoutMs: number): Promise<number>
  /** A metadata request within the timeout; rejects when the broker cannot be reached. */
  checkBroker(timeoutMs: number): Promise<void>
  close(): void
}

/**
 * What the pipeline uses of a sink: produce, and serving delivery reports (itself or on the
 * pipeline's timer). The rest (flush, the broker check, close, the effective settings) belongs to
 * the run.
 */
export type Producer = Pick<Sink, 'produce' | 'poll' | 'outqLen' | 'servesItself'>

/** Where delivery reports, librdkafka statistics JSON and client errors go. */
export interface SinkHandlers {
  onDelivery(seq: number, errName: string | undefined): void
  onStats(json: string): void
  onError(message: string): void
}

/** What either sink is opened with. */
export interface SinkOptions extends SinkHandlers {
  bootstrap: string
  topic: string
  /** the `contender` header's value */
  contender: string
  /** effective producer properties (settings file + overrides), without bootstrap.servers */
  settings: Record<string, string>
}
