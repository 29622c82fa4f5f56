/**
 * @module bench/machine-cpu
 * How busy the whole machine was over a window, from /proc/stat's aggregate `cpu` line: every
 * process counts, the rig's and anything else's. A contender's own CPU cannot show that the
 * machine ran out of cores around it; this can, so the comparison flags a window where the
 * figures may be the machine's limit rather than the contenders'.
 */
import { readFileSync } from 'node:fs'

export interface CpuTimes {
  /** all jiffies */
  total: number
  /** idle and iowait jiffies */
  idle: number
}

/** The aggregate `cpu` line of a /proc/stat text; undefined when there is none. */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split('\n').find((l) => l.startsWith('cpu '))
  if (!line) return undefined
  // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user and nice)
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number)
  if (f.length < 4 || f.some((x) => !Number.isFinite(x))) return undefined
  const total = f.reduce((a, b) => a + b, 0)
  return { total, idle: f[3]! + (f[4] ?? 0) }
}

/** Share of all cores busy between two readings, 0..1 (0 when no time passed). */
export function busyFraction(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total
  if (total <= 0) return 0
  return Math.min(1, Math.max(0, 1 - (after.idle - before.idle) / total))
}

function read(): CpuTimes | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'latin1'))
  } catch {
    return undefined
  }
}

/** Starts a sample; `stop()` gives the share of all cores busy since, or undefined off Linux. */
export function startMachineSample(): { stop(): number | undefined } {
  const before = read()
  return {
    stop: () => {
      const after = read()
      return before && after ? busyFraction(before, after) : undefined
    },
  }
}
