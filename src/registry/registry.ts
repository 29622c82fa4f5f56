/**
 * @module registry/registry
 * THE field: every contender that may race, one declaration each. Set-up builds what is declared
 * here, the bench runs it, the comparison labels it, the conformance suite proves it
 * (docs/adding-a-contender.md). Outside this file and tests, no source names a contender.
 */
import { join } from 'node:path'
import { DENO_BIN, DENO_ENV, denoBinary } from './deno-runtime.ts'
import { NODE_BIN, nodeBinary } from './node-runtime.ts'
import { PYTHON_BIN } from './python-venv.ts'
import {
  builtBinary,
  builtBundle,
  cargoBinary,
  cargoChecks,
  denoRuntime,
  goBinary,
  goChecks,
  nodeAddon,
  nodeBundle,
  nodeRuntime,
  pythonChecks,
  pythonVenv,
  requireBuilt,
} from './recipes.ts'
import { ROOT } from '../paths.ts'
import { ContenderName, type BuildContext, type ContenderEntry, type OwnChecks } from './entry.ts'

const TS_SOURCES = ['src/contender', 'src/contract', 'src/librdkafka', 'src/paths.ts']

/**
 * What the deno contenders may do, and nothing more: FFI (librdkafka, libc's pipe2), the network
 * (the market list and the WebSockets; Kafka's traffic is librdkafka's own), reading (settings,
 * the set-up manifest, node_modules), writing (the report), the environment (the contract's
 * table), the CPUs and memory the report states, and the uid (Deno's node:fs asks for it when it
 * opens the settings file). No lock file is written into the repository.
 */
const DENO_RUN = [
  'run',
  '--no-lock',
  '--allow-ffi',
  '--allow-net',
  '--allow-read',
  '--allow-write',
  '--allow-env',
  '--allow-sys=cpus,systemMemoryInfo,uid',
]

/** A deno contender's command: the pinned Deno on the sources, with DENO_RUN's permissions. */
function denoCommand(main: string): string[] {
  // env(1) execs Deno in its place: the contender's pid is Deno's
  return [
    'env',
    ...Object.entries(DENO_ENV).map(([k, v]) => `${k}=${v}`),
    denoBinary(),
    ...DENO_RUN,
    join(ROOT, 'src', 'contender', main),
  ]
}

export const REGISTRY: readonly ContenderEntry[] = [
  {
    name: 'bun',
    language: 'TypeScript',
    runtime: { name: 'bun', version: { command: ['bun', '--version'], pattern: /(\S+)/ } },
    websocket: "Bun's WebSocket",
    kafkaBinding:
      "librdkafka through bun:ffi, the per-message path of librdkafka's docs (src/contender/kafka/ffi-sink-plain.ts)",
    tier: 'as-shipped',
    glue: "not a binding (Bun has none): the producer librdkafka's own docs show, through bun:ffi: rd_kafka_produceva per message from a vector built for it, a delivery-report callback (a JSCallback) per message, rd_kafka_poll after each produce and on a 1-ms timer",
    sources: TS_SOURCES,
    setup: () => [],
    command: () => ['bun', join(ROOT, 'src', 'contender', 'main-bun.ts')],
    color: '#DDCC77',
  },
  {
    name: 'bun-tuned',
    language: 'TypeScript',
    runtime: { name: 'bun', version: { command: ['bun', '--version'], pattern: /(\S+)/ } },
    websocket: "Bun's WebSocket",
    kafkaBinding: 'librdkafka through bun:ffi (src/contender/kafka/ffi-sink.ts)',
    tier: 'tuned',
    glue: 'rd_kafka_produceva from a preallocated vector; delivery reports drained in bulk when the io-event pipe wakes the loop',
    sources: TS_SOURCES,
    setup: () => [],
    command: () => ['bun', join(ROOT, 'src', 'contender', 'main-bun-tuned.ts')],
    color: '#E69F00',
  },
  {
    name: 'node',
    language: 'TypeScript',
    runtime: { name: 'node', version: { command: [NODE_BIN, '--version'], pattern: /v(\S+)/ } },
    websocket: "Node's WebSocket (undici)",
    kafkaBinding: '@confluentinc/kafka-javascript (node-rdkafka-style Producer)',
    tier: 'as-shipped',
    glue: "the binding's produce() per message and its per-report callbacks; undici parses frames in JavaScript",
    sources: TS_SOURCES,
    setup: (context) => [nodeRuntime(), nodeAddon(context), nodeBundle('node', 'src/contender/main-node.ts')],
    // the pinned LTS Node set-up installed (node-runtime.ts), not the machine's
    command: () => [nodeBinary(), '--no-warnings', requireBuilt(builtBundle('node'))],
    color: '#009E73',
  },
  {
    name: 'node-tuned',
    language: 'TypeScript',
    runtime: { name: 'node', version: { command: [NODE_BIN, '--version'], pattern: /v(\S+)/ } },
    websocket: 'ws (permessage-deflate)',
    kafkaBinding: "librdkafka through Node's own FFI, node:ffi (src/contender/kafka/ffi-sink-node.ts)",
    tier: 'tuned',
    glue: "the bun sink's design on Node: rd_kafka_produceva from a preallocated vector, delivery reports drained in bulk when the io-event pipe wakes libuv; node:ffi, built into the pinned Node, over koffi or an addon: no package or compiler, and its calls cost tens of ns (docs/performance.md, node tuned)",
    sources: TS_SOURCES,
    setup: () => [nodeRuntime(), nodeBundle('node-tuned', 'src/contender/main-node-tuned.ts')],
    command: () => [nodeBinary(), '--no-warnings', requireBuilt(builtBundle('node-tuned'))],
    color: '#44AA99',
  },
  {
    name: 'deno',
    language: 'TypeScript',
    runtime: { name: 'deno', version: { command: [DENO_BIN, '--version'], pattern: /deno (\S+)/ } },
    websocket: "Deno's WebSocket",
    kafkaBinding:
      "librdkafka through Deno.dlopen, the per-message path of librdkafka's docs (src/contender/kafka/ffi-sink-plain-deno.ts)",
    tier: 'as-shipped',
    glue: "not a binding (the mainstream one, a nan addon, does not load on Deno): the producer librdkafka's own docs show, through Deno.dlopen: rd_kafka_produceva per message from a vector built for it, a delivery-report callback (an UnsafeCallback) per message, rd_kafka_poll after each produce and on a 1-ms timer",
    sources: TS_SOURCES,
    // Deno runs the TypeScript sources as they are: nothing to build but the runtime
    setup: () => [denoRuntime()],
    command: () => denoCommand('main-deno.ts'),
    color: '#F0A080',
  },
  {
    name: 'deno-tuned',
    language: 'TypeScript',
    runtime: { name: 'deno', version: { command: [DENO_BIN, '--version'], pattern: /deno (\S+)/ } },
    websocket: "Deno's WebSocket",
    kafkaBinding: 'librdkafka through Deno.dlopen (src/contender/kafka/ffi-sink-deno.ts)',
    tier: 'tuned',
    glue: "the bun sink's design on Deno: rd_kafka_produceva from a preallocated vector; delivery reports drained in bulk when the io-event pipe wakes the loop",
    sources: TS_SOURCES,
    // Deno runs the TypeScript sources as they are: nothing to build but the runtime
    setup: () => [denoRuntime()],
    command: () => denoCommand('main-deno-tuned.ts'),
    color: '#D55E00',
  },
  {
    name: 'go',
    language: 'Go',
    runtime: { name: 'go', version: { command: ['go', 'version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/ } },
    websocket: 'gorilla/websocket',
    kafkaBinding: 'confluent-kafka-go v2 (-tags dynamic)',
    tier: 'as-shipped',
    glue: "the binding's Produce() per message; delivery reports, statistics and errors read from its Events() channel",
    sources: ['go'],
    setup: (context) => [goBinary('go', 'go', context)],
    checks: (context) => goChecks('go', 'go', context, ['tuned']),
    command: () => [requireBuilt(builtBinary('go'))],
    color: '#0072B2',
    original: 'Go',
  },
  {
    name: 'go-tuned',
    language: 'Go',
    runtime: { name: 'go', version: { command: ['go', 'version'], pattern: /go(\d+\.\d+(?:\.\d+)?)/ } },
    websocket: 'gorilla/websocket',
    kafkaBinding: 'librdkafka through cgo on its own rd_kafka_t (go/internal/kafka/rdkafka, -tags dynamic,tuned)',
    tier: 'tuned',
    glue: "rd_kafka_produceva per message through cgo; delivery reports drained in bulk when the main queue's io-event pipe wakes the netpoller",
    sources: ['go'],
    setup: (context) => [goBinary('go-tuned', 'go', context, ['tuned'])],
    // go's suite (go test ./... -tags dynamic) tests both sinks: internal/kafka/{confluent,rdkafka}
    checks: (context) => goChecks('go', 'go', context, ['tuned']),
    command: () => [requireBuilt(builtBinary('go-tuned'))],
    color: '#882255',
  },
  {
    name: 'python',
    language: 'Python',
    runtime: { name: 'python', version: { command: [PYTHON_BIN, '--version'], pattern: /Python (\S+)/ } },
    websocket: 'websockets (asyncio, uvloop)',
    kafkaBinding: 'confluent-kafka (built from source)',
    tier: 'as-shipped',
    glue: "confluent-kafka's produce() per message and a Message object per delivery report",
    sources: ['python/contender', 'python/requirements.lock'],
    setup: (context) => [pythonVenv(context)],
    checks: () => pythonChecks('python', 'python/tests'),
    command: () => [requireBuilt(PYTHON_BIN), '-m', 'contender'],
    color: '#CC79A7',
    original: 'Python',
  },
  {
    name: 'python-tuned',
    language: 'Python',
    runtime: { name: 'python', version: { command: [PYTHON_BIN, '--version'], pattern: /Python (\S+)/ } },
    websocket: 'picows (Cython parser, a callback per frame; permessage-deflate inflated with zlib)',
    kafkaBinding: 'confluent-kafka (built from source)',
    tier: 'tuned',
    glue: 'produce() called positionally; raw values per delivery report (no lock), histograms built in batches on the event loop',
    // the same venv, package and tests as python: one switch (python -m contender.main_tuned)
    sources: ['python/contender', 'python/requirements.lock'],
    setup: (context) => [pythonVenv(context)],
    checks: () => pythonChecks('python', 'python/tests'),
    command: () => [requireBuilt(PYTHON_BIN), '-m', 'contender.main_tuned'],
    color: '#AA4499',
  },
  {
    name: 'rust',
    language: 'Rust',
    runtime: { name: 'rust', version: { command: ['rustc', '--version'], pattern: /rustc (\S+)/ } },
    websocket: 'yawc (permessage-deflate)',
    kafkaBinding: 'rdkafka (FutureProducer, dynamic-linking)',
    tier: 'as-shipped',
    glue: "rdkafka's FutureProducer as its README and examples show: per frame a spawned tokio task awaits send(record, 0) (the frame copied into it, a oneshot per message); its own thread polls the delivery reports",
    sources: ['rust', 'schemas'],
    // one cargo build for rust and rust-tuned: the same binary, the producer picked by --producer
    setup: (context) => [cargoBinary('rust', 'rust', context)],
    checks: (context) => cargoChecks('rust', 'rust', context),
    command: () => [requireBuilt(builtBinary('rust')), '--producer', 'future'],
    color: '#B7410E',
  },
  {
    name: 'rust-tuned',
    language: 'Rust',
    runtime: { name: 'rust', version: { command: ['rustc', '--version'], pattern: /rustc (\S+)/ } },
    websocket: 'yawc (permessage-deflate)',
    kafkaBinding: 'rdkafka (BaseProducer, dynamic-linking)',
    tier: 'tuned',
    glue: "rdkafka's BaseProducer with the seq as its delivery opaque (no allocation per message), delivery reports polled on their own thread",
    sources: ['rust', 'schemas'],
    setup: (context) => [cargoBinary('rust', 'rust', context)],
    checks: (context) => cargoChecks('rust', 'rust', context),
    command: () => [requireBuilt(builtBinary('rust')), '--producer', 'base'],
    color: '#999933',
  },
]

for (const entry of REGISTRY) ContenderName.parse(entry.name)

/** Every registered name, in the registry's order. */
export const CONTENDER_NAMES: readonly string[] = REGISTRY.map((e) => e.name)

/** Each distinct own-check suite of the registered contenders (shared sources once). */
export function ownChecks(context: BuildContext): OwnChecks[] {
  const byId = new Map<string, OwnChecks>()
  for (const e of REGISTRY) {
    const checks = e.checks?.(context)
    if (checks && !byId.has(checks.id)) byId.set(checks.id, checks)
  }
  return [...byId.values()]
}

/**
 * What a plain `bun run bench` races: the four runtimes the project began with, each as shipped
 * (the grid's as-shipped column; the original project's python and go among them). Not every
 * contender, nor even every as-shipped one, at once: on this 2-core machine all six as shipped at
 * 1,000 msg/s kept the cores 80 % busy (and all eight of 2026-12-03 83–90 %), and over 70 % the
 * latency measured is the machine's as much as the contenders' (README, "The default field").
 * `--contenders as-shipped` races the whole column, `tuned` the other one, `all` the grid.
 */
export const DEFAULT_FIELD: readonly string[] = ['bun', 'node', 'go', 'python']

/**
 * The fields a word names in --contenders: `all`, or a tier (`as-shipped`, `tuned`) for one
 * column of the runtime × tier grid; undefined for a list of names.
 */
export function namedField(word: string): string[] | undefined {
  if (word === 'all') return [...CONTENDER_NAMES]
  if (word === 'as-shipped' || word === 'tuned') return REGISTRY.filter((e) => e.tier === word).map((e) => e.name)
  return undefined
}

export class UnknownContenderError extends Error {
  override name = 'UnknownContenderError'
}

/** The entry of a registered contender; an unknown name is an error listing the registered ones. */
export function entryOf(name: string): ContenderEntry {
  const entry = REGISTRY.find((e) => e.name === name)
  if (!entry) throw new UnknownContenderError(`unknown contender "${name}"; registered: ${CONTENDER_NAMES.join(', ')}`)
  return entry
}

export function isRegistered(name: string): boolean {
  return REGISTRY.some((e) => e.name === name)
}
