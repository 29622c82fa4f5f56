/**
 * @module config
 * The contender's configuration, parsed once from the environment and `--kebab-case` flags (flags
 * win; an empty variable counts as unset). Every row of the contract's ENV table
 * (src/contract/env.ts) is validated by the schema `config-values.ts` builds from it; this module
 * only names the typed field each row fills. Every other module receives the typed `Config`,
 * never `process.env`.
 */
import { ENV, flagName, type EnvVar } from '../contract/env.ts'
import { redactPropertiesText, redactUrl } from '../contract/redact.ts'
import type { Contender } from '../contract/report.ts'
import type { Channel } from '../contract/rules.ts'
import { PATHS } from '../paths.ts'
import { valueSchema } from './config-values.ts'

/** A bad value, named with its variable, its flag and the value given; the contender exits 2 before any connection. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

export interface Config {
  contender: Contender
  testDurationS: number
  warmupS: number
  kafkaBootstrapServers: string
  topic: string
  kafkaProperties: string
  producerSettingsFile: string
  upbitRestUrl: string
  upbitWsUrl: string
  channel: Channel
  wsCompression: 'on' | 'off'
  marketsLimit: number
  marketsPerConnection: number
  connectBatch: number
  connectIntervalMs: number
  connectPhaseMs: number
  pingIntervalMs: number
  handshakeTimeoutMs: number
  silenceTimeoutMs: number
  reconnectMaxRetries: number
  reconnectBaseMs: number
  reconnectStableMs: number
  maxFrameBytes: number
  startMode: 'auto' | 'stdin'
  flushTimeoutMs: number
  startupTimeoutMs: number
  reportDir: string
}

/** The Config field each ENV row fills; a row missing here fails the config tests. */
export const FIELD_OF: Readonly<Record<string, keyof Config>> = {
  CONTENDER: 'contender',
  TEST_DURATION: 'testDurationS',
  WARMUP_SECONDS: 'warmupS',
  KAFKA_BOOTSTRAP_SERVERS: 'kafkaBootstrapServers',
  KAFKA_TOPIC: 'topic',
  KAFKA_PROPERTIES: 'kafkaProperties',
  PRODUCER_SETTINGS: 'producerSettingsFile',
  UPBIT_REST_URL: 'upbitRestUrl',
  UPBIT_WS_URL: 'upbitWsUrl',
  UPBIT_CHANNEL: 'channel',
  WS_COMPRESSION: 'wsCompression',
  MARKETS_LIMIT: 'marketsLimit',
  MARKETS_PER_CONNECTION: 'marketsPerConnection',
  CONNECT_BATCH: 'connectBatch',
  CONNECT_INTERVAL_MS: 'connectIntervalMs',
  CONNECT_PHASE_MS: 'connectPhaseMs',
  PING_INTERVAL_MS: 'pingIntervalMs',
  HANDSHAKE_TIMEOUT_MS: 'handshakeTimeoutMs',
  SILENCE_TIMEOUT_MS: 'silenceTimeoutMs',
  RECONNECT_MAX_RETRIES: 'reconnectMaxRetries',
  RECONNECT_BASE_MS: 'reconnectBaseMs',
  RECONNECT_STABLE_MS: 'reconnectStableMs',
  MAX_FRAME_BYTES: 'maxFrameBytes',
  START_MODE: 'startMode',
  FLUSH_TIMEOUT_MS: 'flushTimeoutMs',
  STARTUP_TIMEOUT_MS: 'startupTimeoutMs',
  REPORT_DIR: 'reportDir',
}

/**
 * Defaults the table states in words (`defaultText`) rather than as a literal, given what is
 * already parsed: the runtime's name, the topic named after the contender, the shared settings
 * file at the repository root (found from this module, so any working directory will do).
 */
function derivedDefault(name: string, runtime: Contender, parsed: Partial<Config>): string | undefined {
  switch (name) {
    case 'CONTENDER':
      return runtime
    case 'KAFKA_TOPIC':
      return `upbit-ticker-${parsed.contender ?? runtime}`
    case 'PRODUCER_SETTINGS':
      return PATHS.producerSettings
  }
  return undefined
}

/** `--flag value` and `--flag=value` pairs from argv, keyed by env name; unknown flags are errors. */
function flagsToEnv(argv: string[]): Record<string, string> {
  const byFlag = new Map(ENV.map((row) => [flagName(row.name), row.name]))
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined]
    const name = byFlag.get(flag)
    if (!name)
      throw new ConfigError(
        `unknown option ${JSON.stringify(arg)}; options: ${[...byFlag.keys()].join(' ')}; see --help`,
      )
    const value = inline ?? argv[++i]
    if (value === undefined) throw new ConfigError(`option ${flag} needs a value`)
    out[name] = value
  }
  return out
}

/** A value as a config error may print it: secrets in properties and URLs redacted. */
function shownValue(name: string, value: string): string {
  const type = ENV.find((row) => row.name === name)?.type
  if (type === 'properties') return redactPropertiesText(value)
  if (type === 'http-url' || type === 'ws-url') return redactUrl(value)
  return value
}

/** `NAME (--flag) = "value": reason`, the one shape of every config error. */
export function configErrorLine(name: string, value: string, reason: string): string {
  return `${name} (${flagName(name)}) = ${JSON.stringify(shownValue(name, value))}: ${reason}`
}

function parseRow(row: EnvVar, raw: string): string | number {
  const parsed = valueSchema(row).safeParse(raw)
  if (!parsed.success) throw new ConfigError(configErrorLine(row.name, raw, parsed.error.issues[0]!.message))
  return parsed.data
}

/**
 * Parses env + argv, row by row in the table's order (so REPORT_DIR, last, is created only when
 * everything before it is valid). `runtime` is the default contender name. Throws ConfigError.
 */
export function parseConfig(env: Record<string, string | undefined>, argv: string[], runtime: Contender): Config {
  const flags = flagsToEnv(argv)
  const config: Partial<Record<keyof Config, string | number>> = {}
  for (const row of ENV) {
    const field = FIELD_OF[row.name]
    if (!field) throw new ConfigError(`${row.name} is in the contract but this contender has no field for it`)
    const given = flags[row.name] ?? (env[row.name] === '' ? undefined : env[row.name])
    const raw = given ?? row.default ?? derivedDefault(row.name, runtime, config as Partial<Config>)
    if (raw === undefined) throw new ConfigError(`${row.name} (${flagName(row.name)}) is required`)
    config[field] = parseRow(row, raw)
  }
  const parsed = config as Config
  // base URLs: `{base}/v1/market/all` must not become `//v1`
  return {
    ...parsed,
    upbitRestUrl: parsed.upbitRestUrl.replace(/\/+$/, ''),
    upbitWsUrl: parsed.upbitWsUrl.replace(/\/+$/, ''),
  }
}
