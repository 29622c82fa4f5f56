/**
 * @module kafka/settings
 * The one producer config every contender uses: the PRODUCER_SETTINGS file (one JSON object whose
 * values are all strings; keys starting with `$` are comments) plus KAFKA_PROPERTIES overrides
 * `k=v,k=v`. librdkafka itself judges names and values (rd_kafka_conf_set); this only checks
 * the shapes, so that every contender refuses the same files (docs/contenders.md). The file is
 * read by librdkafka/settings-file.ts, as every TypeScript reader of it does.
 */
import { ConfigError, configErrorLine } from '../config.ts'
import { PATHS } from '../../paths.ts'
import { notKeyValueReason } from '../../contract/redact.ts'
import { CONSUMER_ONLY_PROPERTIES } from '../../contract/rules.ts'
import { readSettingsFile as readProducerSettings, SettingsFileError } from '../../librdkafka/settings-file.ts'

const refuse = (path: string, reason: string) => new ConfigError(configErrorLine('PRODUCER_SETTINGS', path, reason))

/** The settings file as librdkafka/settings-file.ts reads it, a refusal as the contract's config error line. */
export function readSettingsFile(path: string = PATHS.producerSettings): Record<string, string> {
  try {
    return readProducerSettings(path)
  } catch (error) {
    if (error instanceof SettingsFileError) throw refuse(path, error.reason)
    throw error
  }
}

/** `k=v,k=v` → entries (the syntax was checked with the rest of the config). */
export function parseOverrides(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  const items = (spec ?? '').split(',')
  items.forEach((raw, i) => {
    const item = raw.trim()
    if (item === '') return
    const eq = item.indexOf('=')
    if (eq <= 0)
      throw new ConfigError(configErrorLine('KAFKA_PROPERTIES', spec ?? '', notKeyValueReason(spec ?? '', i)))
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim()
  })
  return out
}

/**
 * A consumer-only property in the file would be accepted and ignored by librdkafka, and the
 * report would state a setting that never took effect (KAFKA_PROPERTIES is checked with the config).
 */
function refuseConsumerOnly(file: string, keys: string[]): void {
  const key = [...keys].sort().find((k) => (CONSUMER_ONLY_PROPERTIES as readonly string[]).includes(k))
  if (key !== undefined) throw refuse(file, `${key} is a consumer property: a producer ignores it`)
}

/** The effective properties: file, then overrides on top. */
export function loadProducerSettings(o: {
  producerSettingsFile?: string
  kafkaProperties?: string
}): Record<string, string> {
  const file = o.producerSettingsFile ?? PATHS.producerSettings
  const fromFile = readSettingsFile(file)
  const overrides = parseOverrides(o.kafkaProperties)
  refuseConsumerOnly(file, Object.keys(fromFile))
  return { ...fromFile, ...overrides }
}
