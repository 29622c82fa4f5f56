/**
 * @module bench/environment
 * The machine and toolchain a comparison ran on, for the report's environment table.
 */
import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import { PATHS } from '../paths.ts'
import { NODE_BIN, nodeVersionOf } from '../setup/node-runtime.ts'

export interface Environment {
  cpuModel: string
  cpus: number
  memoryBytes: number
  os: string
  bunVersion: string
  nodeVersion: string
  goVersion: string
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
    // the pinned Node the node contender ran on (src/setup/node-runtime.ts), not the machine's
    nodeVersion: nodeVersionOf(NODE_BIN) ?? 'not installed',
    goVersion: versionOf(['go', 'version'], /go(\d+\.\d+(?:\.\d+)?)/),
    javaVersion: versionOf(['java', '-version'], /version "([^"]+)"/),
    librdkafkaVersion: manifest.librdkafkaVersion,
    kafkaVersion: manifest.kafkaVersion,
  }
}
