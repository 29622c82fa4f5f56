/**
 * @module paths
 * Where set-up puts what it builds, so every entry point (setup, bench, tests, contenders)
 * finds the same artefacts. Everything generated lives under `.cache/` (git-ignored).
 */
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dir, '..')
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
  goDir: join(ROOT, 'go'),
  goBinary: join(CACHE, 'bin', 'go-producer'),
  nodeBundle: join(CACHE, 'dist', 'producer.node.js'),
  kafkaPom: join(ROOT, 'scripts', 'kafka', 'pom.xml'),
  kafkaLibs: join(CACHE, 'kafka', 'libs'),
  kafkaRuns: join(CACHE, 'kafka', 'runs'),
  reports: join(ROOT, 'reports'),
  charts: join(ROOT, 'charts'),
} as const
