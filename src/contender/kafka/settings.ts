/**
 * @module kafka/settings
 * The one producer config every contender uses: config/producer-settings.json (flat string
 * properties; keys starting with `$` are comments) plus KAFKA_PROPERTIES overrides `k=v,k=v`.
 * librdkafka itself judges names and values (rd_kafka_conf_set); this only parses the shapes.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ConfigError } from '../config.ts'
import { PATHS } from '../../paths.ts'

const SettingsFile = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))

export function readSettingsFile(path: string = PATHS.producerSettings): Record<string, string> {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new ConfigError(`PRODUCER_SETTINGS: cannot read ${path}: ${(error as Error).message}`)
  }
  const parsed = SettingsFile.safeParse(raw)
  if (!parsed.success) {
    throw new ConfigError(`PRODUCER_SETTINGS: ${path} must be a flat JSON object of string values (${parsed.error.issues[0]?.message})`)
  }
  return Object.fromEntries(
    Object.entries(parsed.data)
      .filter(([key]) => !key.startsWith('$'))
      .map(([key, value]) => [key, String(value)]),
  )
}

/** `k=v,k=v` → entries; a malformed item names itself. */
export function parseOverrides(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=')
    if (eq <= 0) throw new ConfigError(`KAFKA_PROPERTIES: "${item}" is not key=value`)
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim()
  }
  return out
}

/** The effective properties: file, then overrides on top. */
export function loadProducerSettings(o: { producerSettingsFile?: string; kafkaProperties?: string }): Record<string, string> {
  return { ...readSettingsFile(o.producerSettingsFile ?? PATHS.producerSettings), ...parseOverrides(o.kafkaProperties) }
}
