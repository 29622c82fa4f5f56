/**
 * @module contract/rules
 * The numbers every contender applies the same way: exit codes, when a run is `complete`,
 * `degraded` or `failed`, and the bounds on what comes over the wire. Exported to
 * `schemas/contract-rules.json` for Go and Python (set-up generates it; a test fails when stale).
 */

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

/** The PRODUCER_SETTINGS file: a regular file (not a FIFO or a device) of at most maxBytes. */
export const SETTINGS_FILE = { maxBytes: 1024 * 1024 } as const

/** A `START <epochMs>` line must fall within [now − pastMs, now + futureMs]. */
export const START_HORIZON = { pastMs: 60_000, futureMs: 3_600_000 } as const

/** How many invalid frames a report keeps as samples, and how many bytes of each. */
export const INVALID_SAMPLES = { max: 20, bytes: 200 } as const
