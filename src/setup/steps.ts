/**
 * @module setup/steps
 * `bun run setup` (also run first by `bun run test` and `bun run bench`): everything a fresh
 * machine needs, idempotent and cached under .cache/. Each step prints one line while it works
 * and stays quiet (with --quiet) when already done.
 *
 *   1. prerequisites (named install commands when missing)
 *   2. node modules (bun install)
 *   3. librdkafka: the source @confluentinc/kafka-javascript bundles, built once as a shared library
 *   4. every registered contender's own build steps (src/registry/registry.ts, recipes in
 *      src/registry/recipes.ts), each linked against that same library
 *   5. the C limit producer (the floor and ceilings)
 *   6. Apache Kafka jars from Maven Central
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { CACHE, librdkafkaPrefix, PATHS, ROOT } from '../paths.ts'
import type { BuildContext, SetupStep } from '../registry/entry.ts'
import { PYTHON_BIN } from '../registry/python-venv.ts'
import { NODE_BIN, NODE_VERSION } from '../registry/node-runtime.ts'
import { goEnv } from '../registry/recipes.ts'
import { REGISTRY } from '../registry/registry.ts'
import { writeContractFiles } from './contract-files.ts'
import { checkPrerequisites } from './prerequisites.ts'
import { hashFiles, run, stamp, stampOk } from './step.ts'

export { StepError } from './step.ts'

let quiet = false

function say(line: string) {
  if (!quiet) console.log(line)
}

async function step(name: string, done: () => boolean, work: () => Promise<void>) {
  if (done()) return
  const started = performance.now()
  process.stdout.write(`setup: ${name} ...`)
  await work()
  console.log(` done (${((performance.now() - started) / 1000).toFixed(1)} s)`)
}

/**
 * Every registered contender's build steps, in registry order, each shared step once (the Node
 * addon serves every contender on @confluentinc/kafka-javascript, the venv every Python one).
 */
function contenderSteps(context: BuildContext): SetupStep[] {
  const byId = new Map<string, SetupStep>()
  for (const entry of REGISTRY) for (const s of entry.setup(context)) if (!byId.has(s.id)) byId.set(s.id, s)
  return [...byId.values()]
}

export async function runSetup(options: { quiet: boolean }): Promise<void> {
  quiet = options.quiet
  await checkPrerequisites()
  // the contract's generated copies (schemas/, go/internal/contract/, the docs' env table)
  const regenerated = writeContractFiles(ROOT)
  if (regenerated.length > 0) console.log(`setup: contract copies regenerated: ${regenerated.join(', ')}`)
  mkdirSync(CACHE, { recursive: true })

  const lockHash = hashFiles([join(ROOT, 'package.json'), join(ROOT, 'bun.lock')])
  const modulesStamp = join(ROOT, 'node_modules', '.setup-stamp')
  await step(
    'node modules',
    () => stampOk(modulesStamp, lockHash),
    async () => {
      await run('bun install', ['bun', 'install', '--frozen-lockfile'])
      stamp(modulesStamp, lockHash)
    },
  )

  const binding = JSON.parse(readFileSync(join(PATHS.bindingDir, 'package.json'), 'utf8'))
  const version: string = binding.librdkafka
  const prefix = librdkafkaPrefix(version)
  const libFile = join(prefix, 'lib', 'librdkafka.so.1')
  const rdkStamp = join(prefix, '.built')
  await step(
    `librdkafka ${version} (shared library)`,
    () => stampOk(rdkStamp, version),
    async () => {
      const src = join(CACHE, 'build', `librdkafka-${version}`)
      rmSync(src, { recursive: true, force: true })
      rmSync(prefix, { recursive: true, force: true })
      cpSync(join(PATHS.bindingDir, 'deps', 'librdkafka'), src, { recursive: true })
      // mklove's configure: no --install-deps, so it never downloads; it finds the Debian -dev packages
      await run('configure librdkafka', ['./configure', `--prefix=${prefix}`], { cwd: src })
      await run('build librdkafka', ['make', '-j2', 'libs'], { cwd: src })
      await run('install librdkafka', ['make', '-C', 'src', 'install'], { cwd: src })
      await run('install librdkafka++', ['make', '-C', 'src-cpp', 'install'], { cwd: src })
      rmSync(src, { recursive: true, force: true })
      stamp(rdkStamp, version)
    },
  )

  const context: BuildContext = { librdkafkaPrefix: prefix, librdkafkaVersion: version }
  for (const s of contenderSteps(context)) await step(s.name, s.done, s.work)

  // the C tool's parts (src/ceilings/limit-producer/: *.c and the header they share), one binary
  const limitSrc = join(ROOT, 'src', 'ceilings', 'limit-producer')
  const limitBin = join(CACHE, 'bin', 'limit-producer')
  if (existsSync(limitSrc)) {
    const limitHash = hashFiles([limitSrc]) + prefix
    const limitParts = readdirSync(limitSrc)
      .filter((name) => name.endsWith('.c'))
      .sort()
      .map((name) => join(limitSrc, name))
    await step(
      'C limit producer',
      () => existsSync(limitBin) && stampOk(`${limitBin}.stamp`, limitHash),
      async () => {
        mkdirSync(dirname(limitBin), { recursive: true })
        await run('cc', [
          'cc',
          '-O2',
          '-o',
          limitBin,
          ...limitParts,
          `-I${prefix}/include`,
          `-L${prefix}/lib`,
          `-Wl,-rpath,${prefix}/lib`,
          '-lrdkafka',
        ])
        stamp(`${limitBin}.stamp`, limitHash)
      },
    )
  }

  const pomHash = hashFiles([PATHS.kafkaPom])
  const jarsStamp = join(PATHS.kafkaLibs, '.setup-stamp')
  await step(
    'Apache Kafka jars (Maven Central)',
    () => stampOk(jarsStamp, pomHash),
    async () => {
      rmSync(PATHS.kafkaLibs, { recursive: true, force: true })
      await run('mvn', [
        'mvn',
        '-q',
        '-B',
        '-f',
        PATHS.kafkaPom,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${PATHS.kafkaLibs}`,
        '-DincludeScope=runtime',
      ])
      stamp(jarsStamp, pomHash)
    },
  )

  const kafkaVersion = readFileSync(PATHS.kafkaPom, 'utf8').match(/<kafka.version>([^<]+)</)?.[1] ?? 'unknown'
  const manifest = {
    librdkafkaVersion: version,
    librdkafkaPrefix: prefix,
    librdkafkaLib: libFile,
    goEnv: goEnv(context),
    nodeBinary: NODE_BIN,
    nodeVersion: NODE_VERSION,
    limitProducer: limitBin,
    pythonBin: PYTHON_BIN,
    kafkaVersion,
    kafkaLibs: PATHS.kafkaLibs,
  }
  writeFileSync(PATHS.manifest, JSON.stringify(manifest, null, 2) + '\n')
  say(`setup: ready (librdkafka ${version}, Kafka ${kafkaVersion}); manifest ${PATHS.manifest}`)
}
