/**
 * @module contract/rules
 * The numbers every contender applies the same way: the channels, the timing, the backoff, exit
 * codes, when a run is `complete`, `degraded` or `failed`, and the bounds on what comes over the
 * wire. Exported to `schemas/contract-rules.json` for Go, Python and Rust (set-up generates it; a
 * test fails when stale, another when a language keeps one of its numbers by hand).
 */

/** The channels a contender subscribes to (UPBIT_CHANNEL) and the feed serves, as Upbit names them. */
export const CHANNELS = ['ticker', 'trade', 'orderbook'] as const
export type Channel = (typeof CHANNELS)[number]

/** A switch's two words (WS_COMPRESSION, the bench's --pin, --floor, …); parsed to a boolean where it is read. */
export const SWITCH = ['on', 'off'] as const

/**
 * The timing every contender keeps alike (and the bench relies on):
 *  - startBoundaryMs: the window starts on a multiple of this wall-clock period (START_MODE=auto,
 *    and the bench's START time), so contenders started separately line up on the same instants
 *  - metricsIntervalMs: an interval sample and a `metrics` line every this much of the window
 *  - backoffCapMs: the cap of a reconnect delay's exponential part
 *  - queueFullGiveUpMs: how long one message is retried against a full local queue before it
 *    counts as a produce error
 */
export const TIMING = {
  startBoundaryMs: 10_000,
  metricsIntervalMs: 5_000,
  backoffCapMs: 16_000,
  queueFullGiveUpMs: 10_000,
} as const

/**
 * The reconnect backoff: base·2^(attempt−1) capped at TIMING.backoffCapMs, times 1 ± `jitter` so
 * connections dropped together do not come back in lock-step, times `rateLimitedFactor` after a
 * handshake refused with 429 (hammering Upbit's rate limit again only extends the ban).
 */
export const BACKOFF = { jitter: 0.2, rateLimitedFactor: 4 } as const

/** Exit codes. A status other than `complete` never exits 0. */
export const EXIT = {
  complete: 0,
  /** a bad value in env, flags or the settings file, before any connection; no report */
  config: 2,
  /** the broker did not answer within STARTUP_TIMEOUT_MS; no report */
  broker: 3,
  /** the market list could not be fetched or was unusable; no report */
  markets: 4,
  degraded: 5,
  failed: 6,
  SIGINT: 130,
  SIGTERM: 143,
} as const

/**
 * Status rules, checked in this order over the window's figures. `lost` is the valid frames
 * received in the window that were not delivered: (received − invalid) − delivered (`received`
 * counts every data frame of the window; the invalid ones are never produced).
 *
 * failed when any of:
 *  - `no-messages`: 0 data frames received in the window
 *  - `none-delivered`: 0 messages delivered
 *  - `undelivered`: lost > failUndeliveredFraction × (received − invalid)
 *  - `all-connections-down`: no connection open for ≥ min(failAllDownMs, failAllDownWindowFraction
 *    × window) in one stretch inside the window
 *  - `bad-start`: the START line was outside the horizon
 *  - `unbalanced`: the report's books do not balance. Window: delivered + failed + inFlightAtEnd
 *    ≠ received − invalid (every valid frame is delivered, failed — produce errors included — or
 *    still in flight after the flush). Warm-up (no invalid or in-flight count of its own):
 *    delivered + failed > received, or delivered > produced. A report whose counts contradict
 *    each other cannot be trusted, so this fails the run rather than degrading it.
 * degraded (when not failed) when any of:
 *  - `undelivered`: 0 < lost ≤ that fraction
 *  - `connections-given-up`: a connection used up its retries
 *  - `short-window`: |measured − target| > degradeAccuracyMs
 * interrupted (SIGINT/SIGTERM) wins over both; its reasons are kept.
 */
export const STATUS = {
  failUndeliveredFraction: 0.01,
  failAllDownMs: 10_000,
  failAllDownWindowFraction: 0.5,
  degradeAccuracyMs: 1000,
} as const

export const STATUS_CODES = [
  'no-messages',
  'none-delivered',
  'undelivered',
  'all-connections-down',
  'bad-start',
  'unbalanced',
  'connections-given-up',
  'short-window',
] as const

/** The market list from REST: larger bodies or lists are refused; duplicate codes are dropped. */
export const MARKET_LIST = { maxBytes: 8 * 1024 * 1024, maxMarkets: 10_000 } as const

/**
 * stdin with START_MODE=stdin: a line longer than maxLineBytes, or more than maxIgnoredLines lines
 * that are not `START <epochMs>`, ends the wait as `bad-start` (the bench sends one short line;
 * anything else is a broken or hostile writer, which must not take memory or the log with it).
 */
export const STDIN = { maxLineBytes: 1024, maxIgnoredLines: 10 } as const

/**
 * The PRODUCER_SETTINGS file: a regular file (not a FIFO or a device) of at most maxBytes, one
 * JSON object whose values are all strings (comments included) and nothing after it; keys that
 * start with commentPrefix are comments, dropped after that check.
 */
export const SETTINGS_FILE = { maxBytes: 1024 * 1024, commentPrefix: '$' } as const

/** A `START <epochMs>` line must fall within [now − pastMs, now + futureMs]. */
export const START_HORIZON = { pastMs: 60_000, futureMs: 3_600_000 } as const

/** How many invalid frames a report keeps as samples, and how many bytes of each. */
export const INVALID_SAMPLES = { max: 20, bytes: 200 } as const

/**
 * Secrets: no value of these librdkafka properties, and no URL's user info, appears in any file
 * the project writes or any line it prints; each is replaced by `replacement`, as librdkafka
 * itself does. A property is secret when its name (lower-cased) is one of `properties`
 * (librdkafka's sensitive ones, `_RK_SENSITIVE` in rdkafka_conf.c of 2.15.1) or contains one of
 * `words` (so a future or misspelled secret is hidden too; hiding a harmless value costs nothing).
 */
export const SECRETS = {
  replacement: '[redacted]',
  properties: [
    'sasl.username',
    'sasl.password',
    'sasl.oauthbearer.config',
    'sasl.oauthbearer.client.secret',
    'sasl.oauthbearer.assertion.private.key.file',
    'sasl.oauthbearer.assertion.private.key.passphrase',
    'sasl.oauthbearer.assertion.private.key.pem',
    'ssl.key.location',
    'ssl.key.password',
    'ssl.key.pem',
    'ssl_key',
    'ssl.ca.pem',
    'ssl.keystore.password',
  ],
  words: ['password', 'passphrase', 'secret', 'token', 'credential', 'private', 'jaas', 'key.pem', 'ssl_key'],
} as const

/**
 * librdkafka properties only a consumer reads (CONFIGURATION.md of 2.15.1, C/P = C): a producer
 * accepts them and ignores them (a CONFWARN log line), so a report would state a setting that
 * never took effect. Every contender refuses them in the settings file or KAFKA_PROPERTIES (exit 2).
 */
export const CONSUMER_ONLY_PROPERTIES = [
  'group.id',
  'group.instance.id',
  'partition.assignment.strategy',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'group.protocol.type',
  'group.protocol',
  'group.remote.assignor',
  'coordinator.query.interval.ms',
  'max.poll.interval.ms',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'enable.auto.offset.store',
  'queued.min.messages',
  'queued.max.messages.kbytes',
  'fetch.wait.max.ms',
  'fetch.queue.backoff.ms',
  'fetch.message.max.bytes',
  'max.partition.fetch.bytes',
  'fetch.max.bytes',
  'fetch.min.bytes',
  'fetch.error.backoff.ms',
  'offset.store.method',
  'isolation.level',
  'consume_cb',
  'rebalance_cb',
  'offset_commit_cb',
  'enable.partition.eof',
  'check.crcs',
  'max.poll.records',
  'share.acknowledgement.mode',
  'auto.commit.enable',
  'auto.offset.reset',
  'offset.store.path',
  'offset.store.sync.interval.ms',
  'consume.callback.max.messages',
] as const
