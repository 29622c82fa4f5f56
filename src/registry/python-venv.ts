/**
 * @module registry/python-venv
 * Set-up of the python contender: a venv under .cache/python-venv made with the machine's
 * python3, its dependencies installed only from python/requirements.lock (hashes required,
 * pip's cache off so a fresh machine behaves like this one), confluent-kafka built from its
 * source distribution against the shared librdkafka (its manylinux wheel bundles a librdkafka of
 * its own, which would break the one-library rule), and python/ put on the venv's path so
 * `.cache/python-venv/bin/python -m contender` runs from any directory.
 *
 * Cached: the stamp is the locks' hash, the librdkafka prefix, the interpreter and the checkout;
 * any change rebuilds the venv from scratch.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CACHE, ROOT } from '../paths.ts'
import type { Run } from '../setup/step.ts'

export const PYTHON_DIR = join(ROOT, 'python')
export const PYTHON_VENV = join(CACHE, 'python-venv')
export const PYTHON_BIN = join(PYTHON_VENV, 'bin', 'python')
const LOCK = join(PYTHON_DIR, 'requirements.lock')
const BUILD_LOCK = join(PYTHON_DIR, 'build-requirements.lock')
const STAMP = join(PYTHON_VENV, '.setup-stamp')
/** the oldest Python the contender runs on (asyncio.Runner, TaskGroup-era asyncio) */
const MIN_PYTHON = [3, 11] as const
const APT_HINT = 'apt-get install -y python3-venv python3-dev'

/** A missing or unfit python3; setup.ts prints the message alone (no stack). */
export class PythonPrerequisiteError extends Error {
  override name = 'PrerequisiteError'
}

interface Interpreter {
  executable: string
  version: number[]
  hasVenv: boolean
  hasHeaders: boolean
}

/** Asks python3 itself: where it lives, its version, whether venv/ensurepip and Python.h are there. */
function probe(): Interpreter {
  if (!Bun.which('python3'))
    throw new PythonPrerequisiteError(
      `set-up: python3 not found. Install: apt-get install -y python3 python3-venv python3-dev`,
    )
  const script = [
    'import importlib.util, json, os, sys, sysconfig',
    'print(json.dumps({"executable": sys.executable, "version": list(sys.version_info[:3]),',
    ' "hasVenv": all(importlib.util.find_spec(m) for m in ("venv", "ensurepip")),',
    ' "hasHeaders": os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))}))',
  ].join('\n')
  const proc = Bun.spawnSync(['python3', '-c', script], { stdout: 'pipe', stderr: 'pipe' })
  if (proc.exitCode !== 0)
    throw new PythonPrerequisiteError(`set-up: python3 failed to start: ${proc.stderr.toString().trim()}`)
  return JSON.parse(proc.stdout.toString())
}

function check(python: Interpreter): void {
  const missing: string[] = []
  const [major = 0, minor = 0] = python.version
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    missing.push(
      `- ${python.executable} is Python ${python.version.join('.')}; the python contender needs ${MIN_PYTHON.join('.')}+`,
    )
  }
  if (!python.hasVenv) missing.push(`- ${python.executable} has no venv/ensurepip (Debian's python3-venv)`)
  if (!python.hasHeaders)
    missing.push(`- ${python.executable} has no Python.h (Debian's python3-dev): confluent-kafka is compiled here`)
  if (missing.length > 0) {
    throw new PythonPrerequisiteError(
      `set-up cannot build the python contender:\n${missing.join('\n')}\n\nInstall: ${APT_HINT}`,
    )
  }
}

function stampValue(librdkafkaPrefix: string, python: Interpreter): string {
  const hash = createHash('sha256')
  for (const file of [LOCK, BUILD_LOCK]) hash.update(file).update(readFileSync(file))
  hash.update(librdkafkaPrefix).update(python.executable).update(python.version.join('.')).update(PYTHON_DIR)
  return hash.digest('hex').slice(0, 16)
}

/**
 * The cached step, in the shape scripts/setup.ts's `step(name, done, work)` takes. `run` is
 * set-up's command runner (it shows a failed command's output).
 */
export function pythonStep(librdkafkaPrefix: string, librdkafkaVersion: string, run: Run) {
  let python: Interpreter | undefined
  const interpreter = () => (python ??= probe())
  return {
    name: 'python contender (venv, confluent-kafka from source)',
    pythonBin: PYTHON_BIN,
    done(): boolean {
      return (
        existsSync(PYTHON_BIN) &&
        existsSync(STAMP) &&
        readFileSync(STAMP, 'utf8') === stampValue(librdkafkaPrefix, interpreter())
      )
    },
    async work(): Promise<void> {
      const found = interpreter()
      check(found)
      const pip = [PYTHON_BIN, '-m', 'pip', 'install', '--quiet', '--no-input', '--no-cache-dir', '--require-hashes']
      // an empty find-links: wheels a machine keeps elsewhere have their own hashes and must not be picked
      const env = { PIP_FIND_LINKS: '', PIP_DISABLE_PIP_VERSION_CHECK: '1' }
      await run('python venv', [found.executable, '-m', 'venv', '--clear', PYTHON_VENV])
      // the build tools first (pinned, hashed), so the sdist builds without pip's unhashed isolated env
      await run('pip install build tools', [...pip, '--no-deps', '-r', BUILD_LOCK], { env })
      await run('pip install', [...pip, '--no-build-isolation', '--no-binary', 'confluent-kafka', '-r', LOCK], {
        env: {
          ...env,
          C_INCLUDE_PATH: join(librdkafkaPrefix, 'include'),
          LIBRARY_PATH: join(librdkafkaPrefix, 'lib'),
          LDFLAGS: `-L${join(librdkafkaPrefix, 'lib')} -Wl,-rpath,${join(librdkafkaPrefix, 'lib')}`,
        },
      })
      const site = (
        await run('python site-packages', [
          PYTHON_BIN,
          '-c',
          'import sysconfig; print(sysconfig.get_paths()["purelib"])',
        ])
      ).trim()
      // python/ on the venv's path: `python -m contender` works from any working directory
      writeFileSync(join(site, 'upbit-kafka-bench-contender.pth'), `${PYTHON_DIR}\n`)
      // the one-library rule, checked where it matters: the library the extension actually maps
      const verify = [
        'import confluent_kafka, sys',
        'version = confluent_kafka.libversion()[0]',
        'maps = [l.split()[-1] for l in open("/proc/self/maps") if "librdkafka" in l]',
        `ok = version == ${JSON.stringify(librdkafkaVersion)} and maps and all(m.startswith(${JSON.stringify(librdkafkaPrefix)}) for m in maps)`,
        'sys.exit(0 if ok else f"confluent-kafka loaded librdkafka {version} from {sorted(set(maps))}")',
      ].join('\n')
      await run('check confluent-kafka links the shared librdkafka', [PYTHON_BIN, '-c', verify])
      writeFileSync(STAMP, stampValue(librdkafkaPrefix, found))
    },
  }
}
