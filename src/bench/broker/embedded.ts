/**
 * @module kafka/embedded
 * A single-node Apache Kafka (KRaft, broker+controller in one JVM) on 127.0.0.1, run from the
 * Maven Central jars set-up resolved into .cache/kafka/libs. Used by `bun run kafka`, the tests
 * and the bench. A static one-voter quorum (`controller.quorum.voters`) is the simplest correct
 * set-up; formatting with `--standalone` would make a dynamic quorum instead (KAFKA-18987).
 */
import { type Subprocess } from 'bun'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { PATHS } from '../../paths.ts'
import { probeBroker } from './metadata-probe.ts'

export interface KafkaOptions {
  /** broker port; 0 picks a free one */
  port?: number
  /** reuse this data dir (and keep it) instead of a fresh one per run */
  dataDir?: string
  /** JVM max heap, MB */
  heapMb?: number
  partitions?: number
  readyTimeoutMs?: number
}

export interface KafkaBroker {
  readonly bootstrap: string
  readonly port: number
  readonly dataDir: string
  readonly logFile: string
  /** stop the broker and start it again on the same port and data dir */
  restart(downMs?: number): Promise<void>
  /** stop the JVM only (for fault tests); `start()` brings it back */
  kill(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

export class KafkaSetupError extends Error {}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()))
    })
  })
}

function classPath(): string {
  if (!existsSync(PATHS.kafkaLibs)) {
    throw new KafkaSetupError(`Kafka jars missing at ${PATHS.kafkaLibs}: run \`bun run setup\``)
  }
  return `${PATHS.kafkaLibs}/*`
}

function serverProperties(o: { port: number; controllerPort: number; dataDir: string; partitions: number }) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(o.dataDir, 'log')}`,
    `num.partitions=${o.partitions}`,
    'auto.create.topics.enable=true',
    // one node: every internal topic must fit on it
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // fewer background threads on a 2-core machine
    'num.network.threads=2',
    'num.io.threads=4',
    'log.cleaner.enable=false',
    '',
  ].join('\n')
}

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
`

/** Runs a Java main class on the Kafka class path; resolves with its exit code. */
async function java(args: string[], logFile: string): Promise<number> {
  const log = openSync(logFile, 'a')
  const proc = Bun.spawn(['java', '-cp', classPath(), ...args], { stdout: log, stderr: log })
  return proc.exited
}

export async function startKafka(options: KafkaOptions = {}): Promise<KafkaBroker> {
  const port = options.port || (await freePort())
  const controllerPort = await freePort()
  const keep = options.dataDir !== undefined
  const dataDir = options.dataDir ?? join(PATHS.kafkaRuns, `${Date.now()}-${port}`)
  mkdirSync(dataDir, { recursive: true })
  const logFile = join(dataDir, 'broker.log')
  const propsFile = join(dataDir, 'server.properties')
  const log4jFile = join(dataDir, 'log4j2.properties')
  writeFileSync(propsFile, serverProperties({ port, controllerPort, dataDir, partitions: options.partitions ?? 3 }))
  writeFileSync(log4jFile, LOG4J2)

  if (!existsSync(join(dataDir, 'log', 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url')
    const code = await java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile], logFile)
    if (code !== 0) throw new KafkaSetupError(`kafka storage format failed (exit ${code}); see ${logFile}`)
  }

  let proc: Subprocess | undefined
  const heap = `${options.heapMb ?? 512}m`
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000

  async function start(): Promise<void> {
    const log = openSync(logFile, 'a')
    proc = Bun.spawn(
      [
        'java',
        `-Xms${heap}`,
        `-Xmx${heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${log4jFile}`,
        '-cp',
        classPath(),
        'kafka.Kafka',
        propsFile,
      ],
      { stdout: log, stderr: log, stdin: 'ignore' },
    )
    const deadline = Date.now() + readyTimeoutMs
    let lastError = ''
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) {
        throw new KafkaSetupError(`broker exited with ${proc.exitCode}; log: ${logFile}\n${tail(logFile)}`)
      }
      try {
        await probeBroker('127.0.0.1', port, 2000)
        return
      } catch (error) {
        lastError = String(error)
        await Bun.sleep(250)
      }
    }
    await kill()
    throw new KafkaSetupError(`broker not ready in ${readyTimeoutMs} ms (${lastError}); log: ${logFile}`)
  }

  async function kill(): Promise<void> {
    if (!proc || proc.exitCode !== null) return
    proc.kill('SIGTERM')
    const timedOut = await Promise.race([proc.exited.then(() => false), Bun.sleep(20_000).then(() => true)])
    if (timedOut) {
      proc.kill('SIGKILL')
      await proc.exited
    }
  }

  await start()
  const broker: KafkaBroker = {
    bootstrap: `127.0.0.1:${port}`,
    port,
    dataDir,
    logFile,
    start,
    kill,
    async restart(downMs = 0) {
      await kill()
      if (downMs > 0) await Bun.sleep(downMs)
      await start()
    },
    async stop() {
      await kill()
      if (!keep) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return broker
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return ''
  }
}

/**
 * The broker tests and the bench talk to: KAFKA_BOOTSTRAP_SERVERS when set (nothing is started),
 * otherwise a fresh embedded broker that `stop()` tears down.
 */
export async function useKafka(options: KafkaOptions = {}): Promise<{ bootstrap: string; embedded?: KafkaBroker; stop(): Promise<void> }> {
  const external = process.env.KAFKA_BOOTSTRAP_SERVERS
  if (external) return { bootstrap: external, stop: async () => {} }
  const embedded = await startKafka(options)
  return { bootstrap: embedded.bootstrap, embedded, stop: () => embedded.stop() }
}
