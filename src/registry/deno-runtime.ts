/**
 * @module registry/deno-runtime
 * The Deno the deno contender runs on: one pinned release, installed by set-up into .cache/deno
 * from the npm registry's `@deno/<platform>` package (the official binary that the `deno` npm
 * package picks as its optional dependency), so the row answers "TypeScript on Deno" whatever
 * Deno the machine has, and nothing but the npm registry is reached.
 *
 * Why 2.9.6: the newest Deno on the npm registry when the contender was added (published
 * 2026-08-27). Moving to another release is this one constant: set-up reinstalls when it changes.
 *
 * Imports nothing of the project but paths.ts, like node-runtime.ts.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE } from '../paths.ts'
import type { Run } from '../setup/step.ts'
import { installNpmBinary, npmBinaryDone, type NpmBinary } from './npm-binary.ts'

export const DENO_VERSION = '2.9.6'

/** The npm package of the official build for this machine (@deno/linux-x64-glibc here). */
export const DENO_PACKAGE = `@deno/${process.platform}-${process.arch}${process.platform === 'linux' ? '-glibc' : ''}`

export const DENO_DIR = join(CACHE, 'deno')
/** where the executable is once installed; denoBinary() for a path that must exist */
export const DENO_BIN = join(DENO_DIR, 'deno')
/**
 * Deno's own cache (DENO_DIR: transpiled modules, its update check's note), kept in .cache too:
 * a run writes nothing to the home directory.
 */
export const DENO_CACHE = join(CACHE, 'deno-dir')
const FIX = 'run `bun run setup` (it installs the pinned Deno from the npm registry)'

export class DenoRuntimeError extends Error {
  override name = 'PrerequisiteError'
}

/** The pinned Deno's executable; throws, naming the fix, when set-up has not installed it. */
export function denoBinary(): string {
  if (!existsSync(DENO_BIN)) throw new DenoRuntimeError(`${DENO_BIN} missing: ${FIX}`)
  return DENO_BIN
}

/**
 * The environment every Deno run is given: its cache under .cache, and no update check (a
 * contender under measurement must not call dl.deno.land, nor print that a new Deno exists).
 */
export const DENO_ENV = { DENO_DIR: DENO_CACHE, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' } as const

/** What a Deno executable says it is (`deno 2.9.6 (stable, …)`), or undefined if it does not run. */
export function denoVersionOf(binary: string): string | undefined {
  try {
    const proc = Bun.spawnSync([binary, '--version'], {
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 10_000,
      env: { ...process.env, ...DENO_ENV },
    })
    if (proc.exitCode !== 0) return undefined
    return /^deno (\d+\.\d+\.\d+)\b/.exec(proc.stdout.toString())?.[1]
  } catch {
    return undefined
  }
}

/** The set-up's version check: the binary runs and reports the pinned version, or a message naming the fix. */
export function checkDenoBinary(binary: string = DENO_BIN, wanted: string = DENO_VERSION): void {
  const found = denoVersionOf(binary)
  if (found === wanted) return
  throw new DenoRuntimeError(
    found
      ? `${binary} reports Deno ${found}, the deno contender is pinned to ${wanted}: ${FIX}`
      : `${binary} does not run (missing, not executable, or not a Deno for this machine): ${FIX}`,
  )
}

/** The cached step (steps.ts's shape); `run` is set-up's command runner. */
export function denoRuntimeStep(run: Run) {
  const spec = `${DENO_PACKAGE}@${DENO_VERSION}`
  const binary: NpmBinary = {
    spec,
    label: 'Deno',
    dir: DENO_DIR,
    binary: 'deno',
    check: (path) => checkDenoBinary(path),
    missingNpm: (message) => new DenoRuntimeError(message),
  }
  return {
    name: `Deno ${DENO_VERSION} (npm: ${DENO_PACKAGE})`,
    done: () => npmBinaryDone(binary),
    work: () => installNpmBinary(binary, run),
  }
}
