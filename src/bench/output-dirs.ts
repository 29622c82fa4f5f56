/**
 * @module bench/output-dirs
 * The bench's output directories, proven usable before a race costs anything.
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ROOT } from '../paths.ts'
import { BenchOptionsError, type BenchOptions } from './options.ts'

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message

/**
 * --out and --charts, checked before any broker or contender starts (a directory that cannot
 * take the comparison must not cost a whole race): each is created if missing (one component at
 * a time: recursive mkdir spins on some paths under /proc) and proven writable by writing and
 * removing a probe file (access(W_OK) says yes to root on a read-only mount).
 */
export function checkOutputDirs(o: Pick<BenchOptions, 'out' | 'charts'>): void {
  for (const flag of ['out', 'charts'] as const) {
    const path = resolve(ROOT, o[flag])
    const refuse = (reason: string) => new BenchOptionsError(`--${flag} ${JSON.stringify(o[flag])}: ${reason}`)
    if (existsSync(path) && !statSync(path).isDirectory()) throw refuse('is not a directory')
    try {
      const missing: string[] = []
      for (let dir = path; !existsSync(dir); dir = dirname(dir)) missing.unshift(dir)
      for (const dir of missing) mkdirSync(dir)
    } catch (error) {
      throw refuse(`cannot be created (${errorCode(error)})`)
    }
    const probe = join(path, `.write-check-${process.pid}`)
    try {
      writeFileSync(probe, '', { flag: 'wx' })
      rmSync(probe)
    } catch (error) {
      throw refuse(`is not writable (${errorCode(error)})`)
    }
  }
}
