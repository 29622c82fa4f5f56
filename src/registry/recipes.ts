/**
 * @module registry/recipes
 * The recipes a registry entry builds itself with (src/registry/registry.ts), each a cached set-up
 * step linked against the one librdkafka: a Node bundle of a TypeScript entry point and the Kafka
 * addon it loads, a Go binary built `-tags dynamic`, the Python venv with confluent-kafka compiled
 * from source. A recipe shared by two contenders has one id, so it runs once.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { BuildContext, SetupStep } from './entry.ts'
import { CACHE, PATHS, ROOT } from '../paths.ts'
import { hashFiles, run, stampedStep, stampOk, stamp } from '../setup/step.ts'
import { pythonStep } from './python-venv.ts'

/** Where a contender's built artefact lives: .cache/bin/NAME (Go) or .cache/dist/NAME.js (Node). */
export const builtBinary = (name: string) => join(CACHE, 'bin', `${name}-producer`)
export const builtBundle = (name: string) => join(CACHE, 'dist', `${name}.node.js`)

/** The command's first word, or an error naming the fix when set-up has not built it. */
export function requireBuilt(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} missing: run \`bun run setup\``)
  return path
}

/** The Go environment that links the one librdkafka (pkg-config), for builds and `go test`. */
export function goEnv(context: BuildContext): Record<string, string> {
  return {
    PKG_CONFIG_PATH: join(context.librdkafkaPrefix, 'lib', 'pkgconfig'),
    CGO_LDFLAGS: `-Wl,-rpath,${join(context.librdkafkaPrefix, 'lib')}`,
  }
}

/** @confluentinc/kafka-javascript's addon, linked against the shared librdkafka (not its bundled copy). */
export function nodeAddon(context: BuildContext): SetupStep {
  const prefix = context.librdkafkaPrefix
  const addon = join(PATHS.bindingDir, 'build', 'Release', 'confluent-kafka-javascript.node')
  const addonStamp = join(PATHS.bindingDir, 'build', '.setup-stamp')
  return {
    id: 'node-addon',
    name: 'Node addon against the shared librdkafka',
    done: () => existsSync(addon) && stampOk(addonStamp, prefix),
    async work() {
      const nodeBin = Bun.which('node')!
      const nodedir = dirname(dirname(nodeBin))
      const gyp = join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
      await run('node-gyp', ['node', gyp, 'rebuild', `--nodedir=${nodedir}`, '-j', '2'], {
        cwd: PATHS.bindingDir,
        env: {
          // BUILD_LIBRDKAFKA=0: link -lrdkafka from our prefix instead of building a second copy
          BUILD_LIBRDKAFKA: '0',
          CXXFLAGS: `-I${prefix}/include/librdkafka -I${prefix}/include`,
          LDFLAGS: `-L${prefix}/lib -Wl,-rpath,${prefix}/lib`,
        },
      })
      stamp(addonStamp, prefix)
    },
  }
}

/** A TypeScript entry point bundled for Node (the Kafka binding stays external: it loads its addon). */
export function nodeBundle(name: string, entry: string): SetupStep {
  const output = builtBundle(name)
  return stampedStep({
    id: `bundle:${name}`,
    name: `${name} contender bundle (Node)`,
    output,
    value: () => hashFiles([join(ROOT, 'src')]),
    work: async () => {
      await run('bun build', [
        'bun',
        'build',
        join(ROOT, entry),
        '--target=node',
        '--external',
        '@confluentinc/kafka-javascript',
        '--outfile',
        output,
      ])
    },
  })
}

/** A Go module built `-tags dynamic` against the shared librdkafka. */
export function goBinary(name: string, dir: string, context: BuildContext): SetupStep {
  const output = builtBinary(name)
  return stampedStep({
    id: `go:${name}`,
    name: `${name} contender (Go, -tags dynamic)`,
    output,
    value: () => hashFiles([join(ROOT, dir)]) + context.librdkafkaPrefix,
    work: async () => {
      await run('go build', ['go', 'build', '-tags', 'dynamic', '-o', output, '.'], {
        cwd: join(ROOT, dir),
        env: goEnv(context),
      })
    },
  })
}

/** The Python venv (confluent-kafka from source against the shared librdkafka): src/setup/python.ts. */
export function pythonVenv(context: BuildContext): SetupStep {
  const step = pythonStep(context.librdkafkaPrefix, context.librdkafkaVersion, run)
  return { id: 'python-venv', name: step.name, done: () => step.done(), work: () => step.work() }
}
