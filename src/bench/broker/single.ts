/**
 * @module bench/broker/single
 * The single-node Apache Kafka (KRaft, broker+controller in one JVM) on 127.0.0.1 that tests and
 * the bench have used from the start: a one-node `startCluster` behind the options and handle
 * it always had.
 */
import { startCluster, type KafkaCluster } from './cluster.ts'

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
  /** the one-node cluster underneath (pid, CPU samples, metadata) */
  readonly cluster: KafkaCluster
  /** stop the broker (orderly) and start it again on the same port and data dir */
  restart(downMs?: number): Promise<void>
  /** stop the JVM only (orderly, SIGKILL after 20 s), for fault tests; `start()` brings it back */
  kill(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

export async function startKafka(options: KafkaOptions = {}): Promise<KafkaBroker> {
  const cluster = await startCluster({
    brokers: 1,
    ports: [options.port ?? 0],
    dataDir: options.dataDir,
    heapMb: options.heapMb,
    partitions: options.partitions,
    readyTimeoutMs: options.readyTimeoutMs,
  })
  const node = cluster.node(1)
  return {
    bootstrap: cluster.bootstrap,
    port: node.port,
    dataDir: cluster.dataDir,
    logFile: node.logFile,
    cluster,
    kill: () => cluster.stopNode(1, 20_000),
    start: () => cluster.start(1),
    async restart(downMs = 0) {
      await cluster.stopNode(1, 20_000)
      if (downMs > 0) await Bun.sleep(downMs)
      await cluster.start(1)
    },
    stop: () => cluster.stop(),
  }
}
