/**
 * @module bench/broker/stale-runs
 * What a dead run left under .cache/kafka/runs/: each fresh data dir holds `owner.json` (the pid
 * of the process that made it and that process's start time, so a reused pid is not taken for
 * the owner), and every cluster start first sweeps the dirs whose owner is gone: their stray
 * JVMs (any `java` whose command line names a path inside the dir) are SIGKILLed, then the dir
 * is removed. The tether (../tether.ts) makes strays rare; this catches the rest, and the dirs a
 * SIGKILLed run could not remove. A dir without an owner file (made before this existed, or a
 * start that died between mkdir and the write) is removed only when no process uses it and it is
 * older than a minute, so a start in progress elsewhere is never touched.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PATHS } from '../../paths.ts'

const OWNER_FILE = 'owner.json'
const OWNERLESS_GRACE_MS = 60_000
const KILL_WAIT_MS = 5000

interface Owner {
  pid: number
  /** field 22 of /proc/<pid>/stat: clock ticks after boot, unique per pid incarnation */
  startTicks: number
}

/** the process's start time, undefined when it is gone or a zombie */
function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z') return undefined
    return Number(fields[19])
  } catch {
    return undefined
  }
}

/** Marks `dir` as this process's run; written exclusively, never through a planted link. */
export function claimRunDir(dir: string): void {
  const owner: Owner = { pid: process.pid, startTicks: startTicks(process.pid) ?? 0 }
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner) + '\n', { flag: 'wx' })
}

function ownerOf(dir: string): Owner | undefined {
  try {
    const file = join(dir, OWNER_FILE)
    const stat = lstatSync(file)
    if (!stat.isFile() || stat.size > 1024) return undefined
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>
    return Number.isInteger(o.pid) && Number.isInteger(o.startTicks)
      ? { pid: o.pid!, startTicks: o.startTicks! }
      : undefined
  } catch {
    return undefined
  }
}

function alive(o: Owner): boolean {
  return startTicks(o.pid) === o.startTicks
}

/** pids (not this one) whose command line names a path inside `dir`; with `jvmOnly`, only `java` ones */
export function processesUsing(dir: string, jvmOnly = false): number[] {
  const inside = dir + '/'
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      if (jvmOnly && !/(^|\/)java$/.test(argv[0] ?? '')) continue
      if (argv.some((arg) => arg.includes(inside)) && startTicks(pid) !== undefined) pids.push(pid)
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids
}

function killAndWait(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
  const until = Date.now() + KILL_WAIT_MS
  while (pids.some((pid) => startTicks(pid) !== undefined) && Date.now() < until) Bun.sleepSync(20)
}

/**
 * Sweeps `root` (default .cache/kafka/runs): SIGKILLs the strays of every run whose owner is gone
 * and removes its dir. Returns the dirs removed.
 */
export function sweepStaleRuns(root: string = PATHS.kafkaRuns, now = Date.now()): string[] {
  if (!existsSync(root)) return []
  const swept: string[] = []
  for (const name of readdirSync(root)) {
    const dir = join(root, name)
    let stat
    try {
      stat = lstatSync(dir)
    } catch {
      continue
    }
    if (!stat.isDirectory()) continue
    const owner = ownerOf(dir)
    if (owner) {
      if (alive(owner)) continue
      // only JVMs: a `tail -f` of a broker log is not a stray broker
      killAndWait(processesUsing(dir, true))
    } else if (now - stat.mtimeMs < OWNERLESS_GRACE_MS || processesUsing(dir).length > 0) continue
    rmSync(dir, { recursive: true, force: true })
    swept.push(dir)
  }
  return swept
}
