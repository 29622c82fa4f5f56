/**
 * @module bench/broker/node
 * One combined broker+controller JVM with its own directory (log dirs, server.properties, its
 * log file), broker port and controller port. Ports and directory stay the node's across kills
 * and restarts, so a restarted node rejoins as itself.
 */
import type { Subprocess } from 'bun'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { KafkaSetupError, runJavaMain, spawnJvm, stopProcess, tail } from './jvm.ts'
import { probeBroker } from './metadata-probe.ts'
import { jvmFlags, LOG4J2, serverProperties, type NodeConfig } from './node-config.ts'

export interface NodeSpec extends Omit<NodeConfig, 'logDir'> {
  /** the node's own directory */
  dir: string
  heapMb: number
}

export class KafkaNode {
  readonly id: number
  readonly port: number
  readonly controllerPort: number
  readonly dir: string
  readonly logFile: string
  readonly propsFile: string
  private proc: Subprocess | undefined

  constructor(private readonly spec: NodeSpec) {
    this.id = spec.nodeId
    this.port = spec.port
    this.controllerPort = spec.controllerPort
    this.dir = spec.dir
    this.logFile = join(spec.dir, 'broker.log')
    this.propsFile = join(spec.dir, 'server.properties')
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`
  }

  get pid(): number | undefined {
    return this.running ? this.proc?.pid : undefined
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null
  }

  /** The cluster id this node's storage was formatted with, if it was. */
  formattedClusterId(): string | undefined {
    const meta = join(this.dir, 'log', 'meta.properties')
    if (!existsSync(meta)) return undefined
    return /^cluster\.id=(.+)$/m.exec(readFileSync(meta, 'utf8'))?.[1]?.trim()
  }

  /** (Re)writes server.properties and log4j2.properties: ports may change between runs of a kept data dir. */
  writeConfig(): void {
    mkdirSync(this.dir, { recursive: true })
    writeFileSync(this.propsFile, serverProperties({ ...this.spec, logDir: join(this.dir, 'log') }))
    writeFileSync(join(this.dir, 'log4j2.properties'), LOG4J2)
  }

  /** kafka-storage format with the cluster's id (each voter formatted alike, no --standalone). */
  async format(clusterId: string): Promise<void> {
    // `--cluster-id=` keeps an id that starts with '-' (1 in 64 of base64url ids) from reading as an option
    const code = await runJavaMain(
      ['kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', this.propsFile],
      this.logFile,
    )
    if (code !== 0)
      throw new KafkaSetupError(`node ${this.id}: kafka storage format failed (exit ${code}); log: ${this.logFile}`)
  }

  /** Starts the JVM; readiness is `waitReady`'s business (a lone voter of three cannot be ready). */
  launch(): void {
    if (this.running) return
    const flags = [
      ...jvmFlags(this.spec.heapMb, this.spec.replicationFactor > 1),
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
    ]
    this.proc = spawnJvm(flags, 'kafka.Kafka', [this.propsFile], this.logFile)
  }

  /**
   * Resolves once this node answers Metadata listing at least `brokers` brokers, itself among them
   * (so the active controller has registered and unfenced it). Throws at the deadline, or at once
   * if the JVM exits, naming this node's log.
   */
  async waitReady(brokers: number, deadline: number): Promise<void> {
    let last = 'no answer yet'
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new KafkaSetupError(
          `node ${this.id} exited (${this.proc?.exitCode ?? this.proc?.signalCode}); log: ${this.logFile}\n${tail(this.logFile)}`,
        )
      }
      try {
        const probe = await probeBroker('127.0.0.1', this.port, 2000)
        if (probe.brokers >= brokers && probe.brokerIds.includes(this.id)) return
        last = `lists brokers [${probe.brokerIds.join(', ')}], waiting for ${brokers} including ${this.id}`
      } catch (error) {
        last = String((error as Error).message ?? error)
      }
      await Bun.sleep(250)
    }
    throw new KafkaSetupError(`node ${this.id} (127.0.0.1:${this.port}) not ready: ${last}; log: ${this.logFile}`)
  }

  /** SIGKILL: the crash a fault test wants (no controlled shutdown, no leadership hand-over). */
  kill(): Promise<void> {
    return stopProcess(this.proc, 0)
  }

  /** Orderly shutdown (SIGTERM), SIGKILL after graceMs. */
  stop(graceMs: number): Promise<void> {
    return stopProcess(this.proc, graceMs)
  }
}
