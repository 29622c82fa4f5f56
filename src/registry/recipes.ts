/**
 * @module registry/recipes
 * The recipes a registry entry builds itself with (src/registry/registry.ts), each a cached set-up
 * step linked against the one librdkafka: a Node bundle of a TypeScript entry point and the Kafka
 * addon it loads, a Go binary built `-tags dynamic`, the Python venv with confluent-kafka compiled
 * from source. A recipe shared by two contenders has one id, so it runs once.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { BuildContext, OwnChecks, SetupStep } from './entry.ts'
import { CACHE, PATHS, ROOT } from '../paths.ts'
import { hashFiles, run, stampedStep, stampOk, stamp } from '../setup/step.ts'
import { denoRuntimeStep } from './deno-runtime.ts'
import { NODE_DIR, nodeRuntimeStep, NODE_VERSION } from './node-runtime.ts'
import { PYTHON_BIN, pythonStep } from './python-venv.ts'

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

/** The pinned LTS Node from the npm registry (node-runtime.ts): what the Node contenders run on. */
export function nodeRuntime(): SetupStep {
  const node = nodeRuntimeStep(run)
  return { id: 'node-runtime', name: node.name, done: () => node.done(), work: () => node.work() }
}

/** The pinned Deno from the npm registry (deno-runtime.ts): it runs the TypeScript sources as they are. */
export function denoRuntime(): SetupStep {
  const deno = denoRuntimeStep(run)
  return { id: 'deno-runtime', name: deno.name, done: () => deno.done(), work: () => deno.work() }
}

/**
 * @confluentinc/kafka-javascript's addon, compiled against the pinned Node's headers and linked
 * against the shared librdkafka (not its bundled copy).
 */
export function nodeAddon(context: BuildContext): SetupStep {
  const prefix = context.librdkafkaPrefix
  const node = nodeRuntimeStep(run)
  const addon = join(PATHS.bindingDir, 'build', 'Release', 'confluent-kafka-javascript.node')
  const addonStamp = join(PATHS.bindingDir, 'build', '.setup-stamp')
  const addonStampValue = `${prefix} ${node.stampValue}`
  return {
    id: 'node-addon',
    name: `Node addon for Node ${NODE_VERSION} against the shared librdkafka`,
    done: () => existsSync(addon) && stampOk(addonStamp, addonStampValue),
    async work() {
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

/**
 * A Go module built `-tags dynamic` against the shared librdkafka; extra build tags pick what the
 * module builds by tag (go's `tuned` picks its own-handle Kafka sink: go/sink_tuned.go).
 */
export function goBinary(name: string, dir: string, context: BuildContext, extraTags: string[] = []): SetupStep {
  const output = builtBinary(name)
  const tags = ['dynamic', ...extraTags].join(',')
  return stampedStep({
    id: `go:${name}`,
    name: `${name} contender (Go, -tags ${tags})`,
    output,
    value: () => hashFiles([join(ROOT, dir)]) + context.librdkafkaPrefix + tags,
    work: async () => {
      await run('go build', ['go', 'build', '-tags', tags, '-o', output, '.'], {
        cwd: join(ROOT, dir),
        env: goEnv(context),
      })
    },
  })
}

/** The Cargo environment that links the one librdkafka (rdkafka-sys's dynamic-linking finds it by pkg-config). */
export function cargoEnv(context: BuildContext): Record<string, string> {
  return {
    PKG_CONFIG_PATH: join(context.librdkafkaPrefix, 'lib', 'pkgconfig'),
    RUSTFLAGS: `-C link-arg=-Wl,-rpath,${join(context.librdkafkaPrefix, 'lib')}`,
    CARGO_TARGET_DIR: RUST_TARGET_DIR,
  }
}

/** Cargo's build tree: one for every Rust contender, its checks and its tests (same RUSTFLAGS, so nothing rebuilds twice). */
export const RUST_TARGET_DIR = join(CACHE, 'rust-target')

/** A Cargo package built `--release --locked` against the shared librdkafka; its binary NAME-producer. */
export function cargoBinary(name: string, dir: string, context: BuildContext): SetupStep {
  const output = builtBinary(name)
  return stampedStep({
    id: `cargo:${name}`,
    name: `${name} contender (Rust, cargo --release)`,
    output,
    // the crate embeds the contract's exported JSON (include_str!), so schemas/ is an input too
    value: () => hashFiles([join(ROOT, dir), join(ROOT, 'schemas')]) + context.librdkafkaPrefix,
    work: async () => {
      if (!Bun.which('cargo'))
        throw new Error(
          `cargo not found: the ${name} contender needs Rust 1.85+. Install it with rustup (https://rustup.rs: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh) or, where the distribution's is recent enough, apt-get install -y cargo`,
        )
      await run('cargo build', ['cargo', 'build', '--release', '--locked', '--bin', `${name}-producer`], {
        cwd: join(ROOT, dir),
        env: cargoEnv(context),
      })
      mkdirSync(dirname(output), { recursive: true })
      copyFileSync(join(RUST_TARGET_DIR, 'release', `${name}-producer`), output)
    },
  })
}

/**
 * Clippy as the compiler of the crate's own targets while cargo builds its tests: what `cargo
 * clippy` itself sets (RUSTC_WORKSPACE_WRAPPER, CLIPPY_ARGS) put on `cargo test --no-run`. `cargo
 * clippy` would check every dependency a second time in check mode (artifacts a build cannot use,
 * ~5 min on a busy 2-core machine); this way the dependencies are compiled once, for the tests,
 * while every target of the crate is still linted with -D warnings. The test steps run with the
 * same variables, so after the lint step they find the build fresh (cargo reruns the wrapper when
 * either changes).
 */
export const CLIPPY_AS_COMPILER = {
  RUSTC_WORKSPACE_WRAPPER: 'clippy-driver',
  CLIPPY_ARGS: ['-D', 'warnings'].map((a) => `${a}__CLIPPY_HACKERY__`).join(''),
}

/** `cargo test` (its e2e tests need KAFKA_BOOTSTRAP_SERVERS), clippy -D warnings over every target and `cargo fmt --check`. */
export function cargoChecks(name: string, dir: string, context: BuildContext): OwnChecks {
  // --release shares set-up's build of the dependencies instead of compiling them a second time
  const env = { ...cargoEnv(context), RUST_PRODUCER_BIN: builtBinary(name), ...CLIPPY_AS_COMPILER }
  return {
    id: `cargo:${dir}`,
    unit: { cmd: ['cargo', 'test', '--release', '--locked'], cwd: dir, env: { ...env, KAFKA_BOOTSTRAP_SERVERS: '' } },
    full: { cmd: ['cargo', 'test', '--release', '--locked'], cwd: dir, env },
    lint: [
      { name: 'cargo fmt', command: { cmd: ['cargo', 'fmt', '--check'], cwd: dir } },
      {
        name: 'cargo clippy',
        // the test build with clippy as the crate's compiler: --all-targets' lints, -D warnings
        command: { cmd: ['cargo', 'test', '--release', '--locked', '--all-targets', '--no-run'], cwd: dir, env },
      },
    ],
  }
}

/**
 * `go test` and `go vet`/`gofmt` of a Go contender's module (its e2e tests need the broker and the
 * binary); `vetAlsoWith` are build tags of files `-tags dynamic` leaves out, vetted in a pass each.
 */
export function goChecks(name: string, dir: string, context: BuildContext, vetAlsoWith: string[] = []): OwnChecks {
  const env = { ...goEnv(context), GO_PRODUCER_BIN: builtBinary(name) }
  return {
    id: `go:${dir}`,
    // -short skips the broker tests; the inner loop keeps Go's test cache, the full run does not
    unit: { cmd: ['go', 'test', '-tags', 'dynamic', '-short', './...'], cwd: dir, env },
    full: { cmd: ['go', 'test', '-tags', 'dynamic', '-count=1', './...'], cwd: dir, env },
    lint: [
      { name: 'gofmt', command: { cmd: ['gofmt', '-l', '.'], cwd: dir, failsOnOutput: true } },
      { name: 'go vet', command: { cmd: ['go', 'vet', '-tags', 'dynamic', './...'], cwd: dir, env } },
      ...vetAlsoWith.map((tag) => ({
        name: `go vet (-tags ${tag})`,
        command: { cmd: ['go', 'vet', '-tags', `dynamic,${tag}`, '.'], cwd: dir, env },
      })),
    ],
  }
}

/**
 * pytest over a Python contender's tests (its `integration` marker needs the broker); ruff (pinned
 * in the contender's lock, its rules in `dir`/pyproject.toml) over its sources and tests.
 */
export function pythonChecks(dir: string, testsDir: string): OwnChecks {
  return {
    id: `python:${dir}`,
    unit: { cmd: [PYTHON_BIN, '-m', 'pytest', '-q', '-m', 'not integration', testsDir], cwd: '.' },
    full: { cmd: [PYTHON_BIN, '-m', 'pytest', '-q', testsDir], cwd: '.' },
    lint: [{ name: 'ruff', command: { cmd: [PYTHON_BIN, '-m', 'ruff', 'check', '--no-cache', '.'], cwd: dir } }],
  }
}

/** The Python venv (confluent-kafka from source against the shared librdkafka): python-venv.ts. */
export function pythonVenv(context: BuildContext): SetupStep {
  const step = pythonStep(context.librdkafkaPrefix, context.librdkafkaVersion, run)
  return { id: 'python-venv', name: step.name, done: () => step.done(), work: () => step.work() }
}
