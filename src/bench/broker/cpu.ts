/**
 * @module bench/broker/cpu
 * CPU the broker JVMs used between two instants, from /proc/<pid>/stat (utime + stime, all
 * threads), so a report can say "the three JVMs used X cores during the window" on a machine
 * where the brokers share the cores with the contenders. Linux only; elsewhere samples are empty.
 */
import { readFileSync } from 'node:fs'

export interface CpuSample {
  /** performance.now() at the sample, ms */
  at: number
  /** per node id: its JVM's pid and CPU ticks so far */
  nodes: Map<number, { pid: number; ticks: number }>
}

export interface CpuUsage {
  /** wall time between the samples, s */
  wallSeconds: number
  /** CPU time of the nodes counted, s */
  cpuSeconds: number
  /** cpuSeconds / wallSeconds: cores busy on average */
  cores: number
  /** cores per node id */
  perNode: Record<number, number>
  /** nodes down or restarted (another pid) between the samples: not counted */
  excluded: number[]
}

let clockTicks: number | undefined

/** USER_HZ, the unit of utime/stime: `getconf CLK_TCK`, 100 on every common Linux. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = Bun.spawnSync(['getconf', 'CLK_TCK'], { stdout: 'pipe', stderr: 'ignore' }).stdout.toString().trim()
    clockTicks = Number(out) > 0 ? Number(out) : 100
  }
  return clockTicks
}

/** utime + stime of a process in clock ticks, or undefined if it is gone. */
export function processTicks(pid: number): number | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // the command name (field 2) may hold spaces and parentheses: fields count from after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  return Number(fields[11]) + Number(fields[12])
}

export function sampleCpu(nodes: readonly { id: number; pid: number | undefined }[]): CpuSample {
  const sample: CpuSample = { at: performance.now(), nodes: new Map() }
  for (const node of nodes) {
    if (node.pid === undefined) continue
    const ticks = processTicks(node.pid)
    if (ticks !== undefined) sample.nodes.set(node.id, { pid: node.pid, ticks })
  }
  return sample
}

export function cpuBetween(before: CpuSample, after: CpuSample): CpuUsage {
  const wallSeconds = (after.at - before.at) / 1000
  const hz = ticksPerSecond()
  const perNode: Record<number, number> = {}
  const excluded: number[] = []
  let cpuSeconds = 0
  const ids = new Set([...before.nodes.keys(), ...after.nodes.keys()])
  for (const id of [...ids].sort((a, b) => a - b)) {
    const a = before.nodes.get(id)
    const b = after.nodes.get(id)
    if (!a || !b || a.pid !== b.pid) {
      excluded.push(id)
      continue
    }
    const seconds = (b.ticks - a.ticks) / hz
    cpuSeconds += seconds
    perNode[id] = wallSeconds > 0 ? seconds / wallSeconds : 0
  }
  return { wallSeconds, cpuSeconds, cores: wallSeconds > 0 ? cpuSeconds / wallSeconds : 0, perNode, excluded }
}
