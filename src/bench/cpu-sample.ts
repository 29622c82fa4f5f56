/**
 * @module bench/cpu-sample
 * CPU used by processes of the rig between two instants, from /proc/<pid>/stat (utime + stime,
 * all threads), so the ladder can tell a saturated broker from a saturated producer.
 */
import { readdirSync, readFileSync } from 'node:fs'

/** clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux in practice) */
const TICKS = Number(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout.toString().trim()) || 100

/** Every running Kafka broker JVM (embedded brokers run `kafka.Kafka`). */
export function kafkaJvmPids(): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').includes('kafka.Kafka')) pids.push(pid)
    } catch {
      // exited meanwhile
    }
  }
  return pids
}

/** user + system CPU seconds of a process so far; 0 when it is gone */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // fields after the command name (which may contain spaces) start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS
  } catch {
    return 0
  }
}

/** Starts a measurement; `stop()` returns the cores the processes used on average since. */
export function startCpuSample(pids: number[]): { stop(): number } {
  const t0 = performance.now()
  const c0 = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000
      const used = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - c0
      return seconds > 0 ? used / seconds : 0
    },
  }
}
