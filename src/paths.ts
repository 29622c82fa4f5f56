/**
 * @module paths
 * Where set-up puts what it builds, so every entry point (setup, bench, tests, contenders)
 * finds the same artefacts. Everything generated lives under `.cache/` (git-ignored).
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The repository root: the nearest folder up from this module holding config/producer-settings.json.
 * Walking up (not a fixed `..`) keeps it right for the Node bundle in .cache/dist/ too.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'config', 'producer-settings.json'))) return dir
    if (dirname(dir) === dir) return resolve(from, '..')
  }
}

export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)))
export const CACHE = join(ROOT, '.cache')

/** librdkafka version bundled by @confluentinc/kafka-javascript (its package.json "librdkafka"). */
export function librdkafkaPrefix(version: string): string {
  return join(CACHE, `librdkafka-${version}`)
}

export const PATHS = {
  producerSettings: join(ROOT, 'config', 'producer-settings.json'),
  bindingDir: join(ROOT, 'node_modules', '@confluentinc', 'kafka-javascript'),
  /** written by setup: { librdkafkaVersion, librdkafkaLib, ... } */
  manifest: join(CACHE, 'setup.json'),
  kafkaPom: join(ROOT, 'src', 'bench', 'broker', 'pom.xml'),
  kafkaLibs: join(CACHE, 'kafka', 'libs'),
  kafkaRuns: join(CACHE, 'kafka', 'runs'),
  reports: join(ROOT, 'reports'),
  charts: join(ROOT, 'charts'),
} as const
