/**
 * @module contract/env
 * THE contender configuration contract: one row per environment variable (each also a
 * `--kebab-case` flag; flags win). Every contender builds its parser from this table: the
 * TypeScript one directly, Go and Python from `schemas/contender-env.json`, which set-up
 * generates from this file (a test fails when the generated copies are stale). The table in
 * docs/contenders.md is generated from it too.
 *
 * Value syntax is the same everywhere: integers are plain decimal digits with an optional leading
 * minus (no `0x10`, `1_0`, `1e3`, `1.0`, spaces); an integer outside its bounds fails with
 * "must be between MIN and MAX". Seconds are whole seconds.
 */
import { BACKOFF, CHANNELS, SWITCH, TIMING } from './rules.ts'

export type EnvType =
  /** decimal integer within [min, max] */
  | 'int'
  /** one of `values` */
  | 'enum'
  /** any string (length ≥ 1) */
  | 'string'
  /** `host:port[,host:port...]`, ports 1–65535 */
  | 'hostports'
  /** a contender name: 1–32 of a-z 0-9 -, starting with a letter (the registry's names) */
  | 'name'
  /** a legal Kafka topic name */
  | 'topic'
  /** `k=v[,k=v...]` extra librdkafka properties */
  | 'properties'
  /** http(s) URL */
  | 'http-url'
  /** ws(s) URL */
  | 'ws-url'
  /** a path to an existing readable file */
  | 'file'
  /** a directory that exists or can be created, and is writable (checked before connecting) */
  | 'dir'

export interface EnvVar {
  name: string
  type: EnvType
  /** as a string, exactly as a user would write it; absent: no default (see `defaultText`) */
  default?: string
  /** what the docs say when there is no literal default */
  defaultText?: string
  min?: number
  max?: number
  values?: readonly string[]
  /** for `name`: the regular expression (anchored) a value must match */
  pattern?: string
  /** one line: what it does */
  meaning: string
}

/** The `name` type's rule: also a legal topic suffix and header value. */
export const CONTENDER_NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$'

export const ENV: readonly EnvVar[] = [
  {
    name: 'CONTENDER',
    type: 'name',
    pattern: CONTENDER_NAME_PATTERN,
    defaultText: "the program's own name (the bench passes the registered one)",
    meaning: 'name in the report, the default topic and the `contender` header',
  },
  {
    name: 'TEST_DURATION',
    type: 'int',
    default: '60',
    min: 1,
    max: 86_400,
    meaning: 'measuring window, whole seconds',
  },
  {
    name: 'WARMUP_SECONDS',
    type: 'int',
    default: '10',
    min: 0,
    max: 3600,
    meaning: `at least this long is produced (header \`phase: warmup\`, never counted) between ready and the window; with START_MODE=auto the window starts on the first ${TIMING.startBoundaryMs / 1000}-second boundary at least this far after ready`,
  },
  {
    name: 'KAFKA_BOOTSTRAP_SERVERS',
    type: 'hostports',
    default: '127.0.0.1:9092',
    meaning: 'broker list `host:port[,host:port...]`',
  },
  { name: 'KAFKA_TOPIC', type: 'topic', defaultText: '`upbit-ticker-{contender}`', meaning: 'topic produced to' },
  {
    name: 'KAFKA_PROPERTIES',
    type: 'properties',
    default: '',
    meaning:
      'extra librdkafka properties `k=v,k=v` applied on top of the settings file (SASL/SSL pass through, a secret shown only as `[redacted]`; a consumer-only property is refused; the bench refuses to compare reports whose effective settings differ)',
  },
  {
    name: 'PRODUCER_SETTINGS',
    type: 'file',
    defaultText: '`config/producer-settings.json`',
    meaning:
      'the shared producer settings: a JSON object whose values are all strings (keys starting with `$` are comments)',
  },
  {
    name: 'UPBIT_REST_URL',
    type: 'http-url',
    default: 'https://api.upbit.com',
    meaning: 'REST base; markets come from `{base}/v1/market/all`',
  },
  { name: 'UPBIT_WS_URL', type: 'ws-url', default: 'wss://api.upbit.com/websocket/v1', meaning: 'WebSocket endpoint' },
  {
    name: 'UPBIT_CHANNEL',
    type: 'enum',
    values: CHANNELS,
    default: 'ticker',
    meaning: 'the stream subscribed to on every connection',
  },
  {
    name: 'WS_COMPRESSION',
    type: 'enum',
    values: SWITCH,
    default: 'on',
    meaning:
      'offer permessage-deflate (RFC 7692) in the handshake, as Upbit recommends; the report states what was negotiated',
  },
  {
    name: 'MARKETS_LIMIT',
    type: 'int',
    default: '0',
    min: 0,
    max: 10_000,
    meaning: 'use only the first N markets (0 = all)',
  },
  { name: 'MARKETS_PER_CONNECTION', type: 'int', default: '15', min: 1, max: 1000, meaning: 'codes per WebSocket' },
  { name: 'CONNECT_BATCH', type: 'int', default: '2', min: 1, max: 100, meaning: 'connections opened together' },
  { name: 'CONNECT_INTERVAL_MS', type: 'int', default: '2000', min: 0, max: 60_000, meaning: 'pause between batches' },
  {
    name: 'CONNECT_PHASE_MS',
    type: 'int',
    default: '-1',
    min: -1,
    max: 60_000,
    meaning:
      "-1: open the first batch at once; otherwise every batch opens at a wall-clock instant ≡ this value (mod CONNECT_INTERVAL_MS), so contenders given different phases never open connections in the same instant (the bench staggers them to stay within Upbit's 5 connections/s per IP)",
  },
  {
    name: 'PING_INTERVAL_MS',
    type: 'int',
    default: '20000',
    min: 1000,
    max: 110_000,
    meaning: "keepalive ping period (below Upbit's 120-s idle timeout)",
  },
  {
    name: 'HANDSHAKE_TIMEOUT_MS',
    type: 'int',
    default: '15000',
    min: 100,
    max: 120_000,
    meaning: 'a connection attempt not open by then is abandoned and retried (counted in `handshakeTimeouts`)',
  },
  {
    name: 'SILENCE_TIMEOUT_MS',
    type: 'int',
    default: '30000',
    min: 0,
    max: 600_000,
    meaning:
      'watchdog: an open connection that delivers no data frame for this long is closed and reconnected within the same retry budget (counted in `silenceReconnects`); 0 = off',
  },
  {
    name: 'RECONNECT_MAX_RETRIES',
    type: 'int',
    default: '3',
    min: 0,
    max: 10,
    meaning: 'reconnect attempts per drop before the connection is given up (counted as failed)',
  },
  {
    name: 'RECONNECT_BASE_MS',
    type: 'int',
    default: '1000',
    min: 1,
    max: 60_000,
    meaning: `backoff: base·2^(attempt−1), ±${BACKOFF.jitter * 100} % jitter, capped at ${TIMING.backoffCapMs / 1000} s; ${BACKOFF.rateLimitedFactor}× after a refused handshake (429)`,
  },
  {
    name: 'RECONNECT_STABLE_MS',
    type: 'int',
    default: '10000',
    min: 0,
    max: 600_000,
    meaning:
      'a connection must stay open this long before a drop resets its retry budget; one that drops sooner is a flap (counted in `flaps`) and keeps using up the same budget',
  },
  {
    name: 'MAX_FRAME_BYTES',
    type: 'int',
    default: '1048576',
    min: 1024,
    max: 67_108_864,
    meaning:
      'a larger data message (by its frame header, its fragments so far, or its inflated bytes) is counted invalid (`too-large`) the moment it passes the limit, never buffered past it nor produced; the connection is failed (close 1009) and reconnected within the retry budget',
  },
  {
    name: 'START_MODE',
    type: 'enum',
    values: ['auto', 'stdin'],
    default: 'auto',
    meaning: '`auto`: pick the window start yourself; `stdin`: wait for `START <epochMs>` on stdin',
  },
  {
    name: 'FLUSH_TIMEOUT_MS',
    type: 'int',
    default: '10000',
    min: 0,
    max: 600_000,
    meaning: 'flush deadline after the window',
  },
  {
    name: 'STARTUP_TIMEOUT_MS',
    type: 'int',
    default: '15000',
    min: 100,
    max: 600_000,
    meaning: 'broker metadata check and market fetch deadline; an unreachable broker fails here',
  },
  {
    name: 'REPORT_DIR',
    type: 'dir',
    default: 'reports',
    meaning: 'where `{contender}_performance_report.json` goes; must be writable (checked before any connection)',
  },
]

/** `TEST_DURATION` → `--test-duration` */
export function flagName(env: string): string {
  return `--${env.toLowerCase().replaceAll('_', '-')}`
}
