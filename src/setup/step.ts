/**
 * @module setup/step
 * The pieces every set-up step is made of: a command runner that shows a failed command's output,
 * content hashes of inputs, and stamps, so a step is done when its stamp matches its inputs.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SetupStep } from '../registry/entry.ts'
import { ROOT } from '../paths.ts'

export class StepError extends Error {}

export type Run = (
  step: string,
  cmd: string[],
  opts?: { cwd?: string; env?: Record<string, string> },
) => Promise<string>

/** Runs a command, streaming nothing unless it fails; then shows the tail of its output. */
export const run: Run = async (step, cmd, opts = {}) => {
  const proc = Bun.spawn(cmd, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) {
    const tail = (out + err).split('\n').slice(-40).join('\n')
    throw new StepError(`${step}: \`${cmd.join(' ')}\` failed (exit ${code})\n${tail}`)
  }
  return out
}

/** A content hash of files (directories walked), so a stamp goes stale when its inputs change. */
export function hashFiles(paths: string[]): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (!existsSync(path)) return
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        // generated or installed trees are outputs, not inputs
        if (entry === 'node_modules' || entry === '__pycache__' || entry === 'target') continue
        visit(join(path, entry))
      }
    } else hash.update(path).update(readFileSync(path))
  }
  for (const path of [...paths].sort()) visit(path)
  return hash.digest('hex').slice(0, 16)
}

export function stampOk(file: string, value: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8') === value
}

export function stamp(file: string, value: string): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, value)
}

/**
 * A step that is done when `output` exists and its stamp holds `value` (a hash of its inputs);
 * `work` builds it, then the stamp is written.
 */
export function stampedStep(o: {
  id: string
  name: string
  output: string
  value: () => string
  work: () => Promise<void>
}): SetupStep {
  const stampFile = `${o.output}.stamp`
  return {
    id: o.id,
    name: o.name,
    done: () => existsSync(o.output) && stampOk(stampFile, o.value()),
    async work() {
      await o.work()
      stamp(stampFile, o.value())
    },
  }
}
