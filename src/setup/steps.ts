/**
 * @module setup/steps
 * `bun run setup` (also run first by `bun run test` and `bun run bench`): everything a fresh
 * machine needs, idempotent and cached under .cache/. Each step prints one line while it works
 * and stays quiet (with --quiet) when already done.
 *
 *   1. prerequisites (named install commands when missing)
 *   2. node modules (bun install)
 *   3. librdkafka: the source @confluentinc/kafka-javascript bundles, built once as a shared library
 *      (then the Python contender's venv, src/setup/python.ts: confluent-kafka built against it)
 *   4. the pinned Node.js of the node contender (src/setup/node-runtime.ts), then the Node addon of
 *      @confluentinc/kafka-javascript compiled against its headers and linked against that same library
 *   5. the Node contender bundle (bun build --target=node)
 *   6. the Go contender (-tags dynamic, same library) and the C limit producer
 *   7. Apache Kafka jars from Maven Central
 */
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { CACHE, librdkafkaPrefix, PATHS, ROOT } from '../paths.ts'
import { writeContractFiles } from './contract-files.ts'
import { NODE_DIR, nodeRuntimeStep, NODE_VERSION } from './node-runtime.ts'
import { checkPrerequisites } from './prerequisites.ts'
import { pythonStep } from './python.ts'

let quiet = false

export class StepError extends Error {}

function say(line: string) {
  if (!quiet) console.log(line)
}

/** Runs a command, streaming nothing unless it fails; then shows the tail of its output. */
async function run(step: string, cmd: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
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

async function step(name: string, done: () => boolean, work: () => Promise<void>) {
  if (done()) return
  const started = performance.now()
  process.stdout.write(`setup: ${name} ...`)
  await work()
  console.log(` done (${((performance.now() - started) / 1000).toFixed(1)} s)`)
}

/** A content hash of files (directories walked), so a stamp goes stale when its inputs change. */
function hashFiles(paths: string[]): string {
  const hash = createHash('sha256')
  const visit = (path: string) => {
    if (!existsSync(path)) return
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry))
    } else hash.update(path).update(readFileSync(path))
  }
  for (const path of [...paths].sort()) visit(path)
  return hash.digest('hex').slice(0, 16)
}

function stampOk(file: string, value: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8') === value
}

function stamp(file: string, value: string) {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, value)
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

  const python = pythonStep(prefix, version, run)
  await step(
    python.name,
    () => python.done(),
    () => python.work(),
  )

  const node = nodeRuntimeStep(run)
  await step(
    node.name,
    () => node.done(),
    () => node.work(),
  )

  const addon = join(PATHS.bindingDir, 'build', 'Release', 'confluent-kafka-javascript.node')
  const addonStamp = join(PATHS.bindingDir, 'build', '.setup-stamp')
  const addonStampValue = `${prefix} ${node.stampValue}`
  await step(
    `Node addon for Node ${NODE_VERSION} against the shared librdkafka`,
    () => existsSync(addon) && stampOk(addonStamp, addonStampValue),
    async () => {
      const gyp = join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
      // node-gyp under the pinned Node, its headers from the package (--nodedir: no header download)
      await run('node-gyp', [node.nodeBin, gyp, 'rebuild', `--nodedir=${NODE_DIR}`, '-j', '2'], {
        cwd: PATHS.bindingDir,
        env: {
          // binding.gyp's `node -e "require('nan')"` finds the pinned Node first too
          PATH: `${dirname(node.nodeBin)}:${process.env.PATH ?? ''}`,
          // BUILD_LIBRDKAFKA=0: link -lrdkafka from our prefix instead of building a second copy
          BUILD_LIBRDKAFKA: '0',
          CXXFLAGS: `-I${prefix}/include/librdkafka -I${prefix}/include`,
          LDFLAGS: `-L${prefix}/lib -Wl,-rpath,${prefix}/lib`,
        },
      })
      stamp(addonStamp, addonStampValue)
    },
  )

  const nodeSources = hashFiles([join(ROOT, 'src')])
  const bundleStamp = `${PATHS.nodeBundle}.stamp`
  if (existsSync(join(ROOT, 'src', 'contender', 'main-node.ts'))) {
    await step(
      'Node contender bundle',
      () => stampOk(bundleStamp, nodeSources),
      async () => {
        await run('bun build', [
          'bun',
          'build',
          join(ROOT, 'src', 'contender', 'main-node.ts'),
          '--target=node',
          '--external',
          '@confluentinc/kafka-javascript',
          '--outfile',
          PATHS.nodeBundle,
        ])
        stamp(bundleStamp, nodeSources)
      },
    )
  }

  const goEnv = {
    PKG_CONFIG_PATH: join(prefix, 'lib', 'pkgconfig'),
    CGO_LDFLAGS: `-Wl,-rpath,${join(prefix, 'lib')}`,
  }
  const goSources = hashFiles([PATHS.goDir]) + prefix
  const goStamp = `${PATHS.goBinary}.stamp`
  if (existsSync(join(PATHS.goDir, 'go.mod'))) {
    await step(
      'Go contender (-tags dynamic)',
      () => existsSync(PATHS.goBinary) && stampOk(goStamp, goSources),
      async () => {
        await run('go build', ['go', 'build', '-tags', 'dynamic', '-o', PATHS.goBinary, '.'], {
          cwd: PATHS.goDir,
          env: goEnv,
        })
        stamp(goStamp, goSources)
      },
    )
  }

  const limitSrc = join(ROOT, 'src', 'ceilings', 'limit-producer.c')
  const limitBin = join(CACHE, 'bin', 'limit-producer')
  if (existsSync(limitSrc)) {
    const limitHash = hashFiles([limitSrc]) + prefix
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
          limitSrc,
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
    goBinary: PATHS.goBinary,
    goEnv,
    nodeBundle: PATHS.nodeBundle,
    nodeBinary: node.nodeBin,
    nodeVersion: NODE_VERSION,
    limitProducer: limitBin,
    pythonBin: python.pythonBin,
    kafkaVersion,
    kafkaLibs: PATHS.kafkaLibs,
  }
  writeFileSync(PATHS.manifest, JSON.stringify(manifest, null, 2) + '\n')
  say(`setup: ready (librdkafka ${version}, Kafka ${kafkaVersion}); manifest ${PATHS.manifest}`)
}
