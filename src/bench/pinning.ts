/**
 * @module bench/pinning
 * A fixed CPU budget for the contender that the rig cannot eat (the ladder's default): the
 * contender runs on the last core, and the bench itself (which hosts the feed) and every Kafka JVM
 * on the others. taskset (util-linux) sets the affinity; `-a` covers threads already running, and
 * threads started later inherit it. On a 1-core machine nothing is pinned and the report says so.
 */
import { cpus } from 'node:os'
import { kafkaJvmPids } from './cpu-sample.ts'

export interface Pinning {
  /** prefix of the contender's command, e.g. ['taskset', '-c', '1'] */
  contenderPrefix: string[]
  /** one line for the report */
  description: string
  contenderCores: number
}

export const NO_PINNING: Pinning = {
  contenderPrefix: [],
  description: 'not pinned: contender, feed and broker share every core',
  contenderCores: cpus().length,
}

function taskset(args: string[]): void {
  const proc = Bun.spawnSync(['taskset', ...args], { stdout: 'ignore', stderr: 'pipe' })
  if (proc.exitCode !== 0)
    throw new Error(`taskset ${args.join(' ')}: ${proc.stderr.toString().trim()} (install util-linux)`)
}

/** Pins the rig (this process and the broker JVMs) away from the contender's core. */
export function pinRig(): Pinning {
  const n = cpus().length
  if (n < 2 || !Bun.which('taskset')) return NO_PINNING
  const contenderCore = n - 1
  const rig = n === 2 ? '0' : `0-${n - 2}`
  const jvms = kafkaJvmPids()
  for (const pid of [process.pid, ...jvms]) taskset(['-a', '-cp', rig, String(pid)])
  return {
    contenderPrefix: ['taskset', '-c', String(contenderCore)],
    description: `contender pinned to core ${contenderCore}; the feed, the bench and ${jvms.length} Kafka JVM${jvms.length === 1 ? '' : 's'} to core${n === 2 ? '' : 's'} ${rig}`,
    contenderCores: 1,
  }
}

/** Undoes pinRig for this process (the JVMs stop with the run). */
export function unpinRig(): void {
  const n = cpus().length
  if (n >= 2 && Bun.which('taskset')) taskset(['-a', '-cp', `0-${n - 1}`, String(process.pid)])
}
