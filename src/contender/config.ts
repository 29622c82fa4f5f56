/**
 * @module config
 * The contender's configuration: environment and `--kebab-case` flags (flags win), parsed once
 * with zod. Names, defaults and meaning are the contract in docs/contenders.md, shared with Go.
 * Every other module receives the typed `Config`, never `process.env`.
 */
import { z } from 'zod'
import { Contender } from '../contract/report.ts'

/** A bad value, named with its field and the value given; the contender exits 2 before any connection. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

const int = (min: number) => z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(min)

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
const wsUrl = z.url({ protocol: /^wss?$/, error: 'must be a ws(s) URL' })

/** env name → schema; the flag is the kebab-case form (`TEST_DURATION` → `--test-duration`). */
const FIELDS = {
  CONTENDER: Contender.optional(),
  TEST_DURATION: z.coerce
    .number({ error: 'must be a number of seconds' })
    .positive('must be > 0 seconds')
    .max(86_400, 'must be at most one day')
    .default(60),
  KAFKA_BOOTSTRAP_SERVERS: z
    .string()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'must be host:port[,host:port...]')
    .default('127.0.0.1:9092'),
  KAFKA_TOPIC: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a legal Kafka topic name').optional(),
  KAFKA_PROPERTIES: z.string().default(''),
  PRODUCER_SETTINGS: z.string().optional(),
  UPBIT_REST_URL: httpUrl.default('https://api.upbit.com'),
  UPBIT_WS_URL: wsUrl.default('wss://api.upbit.com/websocket/v1'),
  MARKETS_LIMIT: int(0).default(0),
  MARKETS_PER_CONNECTION: int(1).default(15),
  CONNECT_BATCH: int(1).default(2),
  CONNECT_INTERVAL_MS: int(0).default(2000),
  PING_INTERVAL_MS: int(100).default(20_000),
  RECONNECT_MAX_RETRIES: int(0).default(3),
  RECONNECT_BASE_MS: int(1).default(1000),
  START_MODE: z.enum(['auto', 'stdin']).default('auto'),
  FLUSH_TIMEOUT_MS: int(0).default(10_000),
  STARTUP_TIMEOUT_MS: int(100).default(15_000),
  REPORT_DIR: z.string().min(1).default('reports'),
} as const

const Schema = z.object(FIELDS)
type Raw = z.infer<typeof Schema>

export interface Config {
  contender: Contender
  testDurationS: number
  kafkaBootstrapServers: string
  topic: string
  kafkaProperties: string
  producerSettingsFile?: string
  upbitRestUrl: string
  upbitWsUrl: string
  marketsLimit: number
  marketsPerConnection: number
  connectBatch: number
  connectIntervalMs: number
  pingIntervalMs: number
  reconnectMaxRetries: number
  reconnectBaseMs: number
  startMode: 'auto' | 'stdin'
  flushTimeoutMs: number
  startupTimeoutMs: number
  reportDir: string
}

export const ENV_NAMES = Object.keys(FIELDS) as (keyof typeof FIELDS)[]

export function flagName(env: string): string {
  return `--${env.toLowerCase().replaceAll('_', '-')}`
}

/** `--flag value` and `--flag=value` pairs from argv, keyed by env name; unknown flags are errors. */
function flagsToEnv(argv: string[]): Record<string, string> {
  const byFlag = new Map(ENV_NAMES.map((name) => [flagName(name), name]))
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    const name = byFlag.get(flag)
    if (!name) throw new ConfigError(`unknown option ${JSON.stringify(arg)}; options: ${[...byFlag.keys()].join(' ')}`)
    const value = inline ?? argv[++i]
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`)
    out[name] = value
  }
  return out
}

/**
 * Parses env + argv. `runtime` supplies the default contender name (the runtime it runs on).
 * Throws ConfigError naming the field and the offending value.
 */
export function parseConfig(env: Record<string, string | undefined>, argv: string[], runtime: Contender): Config {
  const merged: Record<string, string> = {}
  for (const name of ENV_NAMES) {
    const value = env[name]
    if (value !== undefined && value !== '') merged[name] = value
  }
  Object.assign(merged, flagsToEnv(argv))
  const parsed = Schema.safeParse(merged)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const field = String(issue.path[0])
    throw new ConfigError(`${field} (${flagName(field)}) = ${JSON.stringify(merged[field])}: ${issue.message}`)
  }
  const raw: Raw = parsed.data
  const contender = raw.CONTENDER ?? runtime
  return {
    contender,
    testDurationS: raw.TEST_DURATION,
    kafkaBootstrapServers: raw.KAFKA_BOOTSTRAP_SERVERS,
    topic: raw.KAFKA_TOPIC ?? `upbit-ticker-${contender}`,
    kafkaProperties: raw.KAFKA_PROPERTIES,
    producerSettingsFile: raw.PRODUCER_SETTINGS,
    upbitRestUrl: raw.UPBIT_REST_URL.replace(/\/+$/, ''),
    upbitWsUrl: raw.UPBIT_WS_URL,
    marketsLimit: raw.MARKETS_LIMIT,
    marketsPerConnection: raw.MARKETS_PER_CONNECTION,
    connectBatch: raw.CONNECT_BATCH,
    connectIntervalMs: raw.CONNECT_INTERVAL_MS,
    pingIntervalMs: raw.PING_INTERVAL_MS,
    reconnectMaxRetries: raw.RECONNECT_MAX_RETRIES,
    reconnectBaseMs: raw.RECONNECT_BASE_MS,
    startMode: raw.START_MODE,
    flushTimeoutMs: raw.FLUSH_TIMEOUT_MS,
    startupTimeoutMs: raw.STARTUP_TIMEOUT_MS,
    reportDir: raw.REPORT_DIR,
  }
}
