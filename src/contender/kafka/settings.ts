/**
 * @module kafka/settings
 * The one producer config every contender uses: the PRODUCER_SETTINGS file (one JSON object whose
 * values are all strings; keys starting with `$` are comments) plus KAFKA_PROPERTIES overrides
 * `k=v,k=v`. librdkafka itself judges names and values (rd_kafka_conf_set); this only checks
 * the shapes, so that every contender refuses the same files (docs/contenders.md).
 */
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs'
import { z } from 'zod'
import { ConfigError, configErrorLine } from '../config.ts'
import { PATHS } from '../../paths.ts'
import { notKeyValueReason } from '../../contract/redact.ts'
import { CONSUMER_ONLY_PROPERTIES, SETTINGS_FILE } from '../../contract/rules.ts'

/**
 * Strings only: a number or boolean would be stringified differently by each language (1.0, True),
 * and the bench compares the effective settings of every report as strings.
 */
const SettingsFile = z.record(z.string(), z.string())

const refuse = (path: string, reason: string) => new ConfigError(configErrorLine('PRODUCER_SETTINGS', path, reason))

/**
 * A regular file of at most SETTINGS_FILE.maxBytes: a FIFO (whose open blocks until a writer
 * comes), a device that never ends or a huge file must not hang the start or take the memory.
 */
function readBounded(path: string): string {
  const cannot = (error: unknown) =>
    refuse(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  let fd: number
  try {
    if (!statSync(path).isFile()) throw refuse(path, 'must be a file')
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    throw error instanceof ConfigError ? error : cannot(error)
  }
  try {
    const buffer = Buffer.alloc(SETTINGS_FILE.maxBytes + 1)
    let length = 0
    for (let n = -1; n !== 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null)
    if (length > SETTINGS_FILE.maxBytes) throw refuse(path, `is larger than ${SETTINGS_FILE.maxBytes} bytes`)
    return buffer.subarray(0, length).toString('utf8')
  } catch (error) {
    throw error instanceof ConfigError ? error : cannot(error)
  } finally {
    closeSync(fd)
  }
}

export function readSettingsFile(path: string = PATHS.producerSettings): Record<string, string> {
  const text = readBounded(path)
  let raw: unknown
  try {
    // JSON.parse refuses anything after the value but whitespace: "nothing after it" comes free
    raw = JSON.parse(text)
  } catch (error) {
    throw refuse(path, `must hold one JSON object of strings and nothing after it (${(error as Error).message})`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw refuse(
      path,
      `must hold one JSON object of strings, not ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}`,
    )
  }
  const parsed = SettingsFile.safeParse(raw)
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]!.path[0])
    throw refuse(
      path,
      `${JSON.stringify(key)} must be a string, not ${JSON.stringify((raw as Record<string, unknown>)[key])}`,
    )
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([key]) => !key.startsWith('$')))
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
