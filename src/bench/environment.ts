/**
 * @module bench/environment
 * The machine and toolchain a comparison ran on, for the report's environment table.
 */
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { PATHS } from '../paths.ts'

export interface Environment {
  cpuModel: string
  cpus: number
  memoryBytes: number
  os: string
  /** the harness's runtime; each contender's own runtime and version are in its report */
  bunVersion: string
  javaVersion: string
  librdkafkaVersion: string
  kafkaVersion: string
}

function versionOf(cmd: string[], pattern: RegExp): string {
  try {
    const proc = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' })
    const text = proc.stdout.toString() + proc.stderr.toString()
    return pattern.exec(text)?.[1] ?? 'unknown'
  } catch {
    return 'not installed'
  }
}

export function readEnvironment(): Environment {
  const manifest = JSON.parse(readFileSync(PATHS.manifest, 'utf8')) as {
    librdkafkaVersion: string
    kafkaVersion: string
  }
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    memoryBytes: totalmem(),
    os: `${process.platform} ${release()}`,
    bunVersion: Bun.version,
    javaVersion: versionOf(['java', '-version'], /version "([^"]+)"/),
    librdkafkaVersion: manifest.librdkafkaVersion,
    kafkaVersion: manifest.kafkaVersion,
  }
}
