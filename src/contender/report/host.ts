/**
 * @module report/host
 * The machine the report was measured on, as the contract's `host` names it: what a reader needs
 * to tell two reports' machines apart (the runtime is the report's own `runtime`).
 */
import { cpus, totalmem } from 'node:os'
import type { Report } from '../../contract/report.ts'

export function hostInfo(): Report['host'] {
  const list = cpus()
  return {
    platform: process.platform,
    arch: process.arch,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
  }
}
