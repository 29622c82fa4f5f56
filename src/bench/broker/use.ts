/**
 * @module bench/broker/use
 * The Kafka that tests and the bench talk to: the one KAFKA_BOOTSTRAP_SERVERS names (nothing is
 * started; its broker count is read from its metadata), otherwise a fresh 1- or 3-node cluster
 * that `stop()` tears down. Either way the handle says how many brokers there are and the
 * replication a run's topics should get, for topic creation and the report's environment.
 */
import { fetchMetadata } from '../../librdkafka/metadata.ts'
import { startCluster, type ClusterOptions, type KafkaCluster } from './cluster.ts'
import { KafkaSetupError } from './jvm.ts'
import { startKafka, type KafkaBroker } from './single.ts'

export interface UseKafkaOptions extends Omit<ClusterOptions, 'brokers' | 'ports'> {
  /** nodes to start (default 1); with KAFKA_BOOTSTRAP_SERVERS, the count that broker must have */
  brokers?: 1 | 3
  /** broker port of a single node (0: a free one) */
  port?: number
}

export interface KafkaHandle {
  /** host:port list for bootstrap.servers */
  bootstrap: string
  /** brokers in the cluster */
  brokers: number
  /** min(3, brokers): create a run's topics with this */
  replicationFactor: number
  /** 2 with three or more brokers, else 1: the topics' min.insync.replicas */
  minIsr: number
  /** true when KAFKA_BOOTSTRAP_SERVERS named the broker and nothing was started */
  external: boolean
  /** the cluster started here (absent when external) */
  cluster?: KafkaCluster
  /** the single node started here, with its old handle (absent for 3 nodes or external) */
  embedded?: KafkaBroker
  /** environment for child processes: KAFKA_BOOTSTRAP_SERVERS */
  env: Record<string, string>
  stop(): Promise<void>
}

/** Replication a run's topics get on a cluster of `brokers`: RF 3 and min ISR 2 as OpenMessaging Benchmark runs. */
export function replicationFor(brokers: number): { replicationFactor: number; minIsr: number } {
  return { replicationFactor: Math.min(3, brokers), minIsr: brokers >= 3 ? 2 : 1 }
}

/** The broker count of a running cluster; a transient transport failure (a busy machine) is retried. */
function brokerCount(bootstrap: string): number {
  for (let attempt = 1; ; attempt++) {
    try {
      return fetchMetadata(bootstrap, { timeoutMs: 10_000 }).brokers.length
    } catch (error) {
      if (attempt >= 3) throw error
      Bun.sleepSync(2000)
    }
  }
}

function external(bootstrap: string, wanted: number | undefined): KafkaHandle {
  let brokers: number
  try {
    brokers = brokerCount(bootstrap)
  } catch (error) {
    throw new KafkaSetupError(
      `KAFKA_BOOTSTRAP_SERVERS=${bootstrap} does not answer metadata: ${(error as Error).message}`,
    )
  }
  if (wanted !== undefined && wanted !== brokers) {
    throw new KafkaSetupError(
      `KAFKA_BOOTSTRAP_SERVERS=${bootstrap} has ${brokers} broker(s), ${wanted} were asked for: unset it or point it at a ${wanted}-broker cluster`,
    )
  }
  return {
    bootstrap,
    brokers,
    ...replicationFor(brokers),
    external: true,
    env: { KAFKA_BOOTSTRAP_SERVERS: bootstrap },
    stop: async () => {},
  }
}

export async function useKafka(options: UseKafkaOptions = {}): Promise<KafkaHandle> {
  const fromEnv = process.env.KAFKA_BOOTSTRAP_SERVERS
  if (fromEnv) return external(fromEnv, options.brokers)
  const { brokers = 1, port, ...rest } = options
  if (brokers === 1) {
    // the single node keeps its old handle (`embedded`), which some tests restart through
    const embedded = await startKafka({
      port,
      dataDir: rest.dataDir,
      heapMb: rest.heapMb,
      partitions: rest.partitions,
      readyTimeoutMs: rest.readyTimeoutMs,
    })
    const cluster = embedded.cluster
    return {
      bootstrap: cluster.bootstrap,
      brokers: 1,
      ...replicationFor(1),
      external: false,
      cluster,
      embedded,
      env: { KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrap },
      stop: () => cluster.stop(),
    }
  }
  const cluster = await startCluster({ ...rest, brokers, ports: port ? [port, port + 1, port + 2] : undefined })
  return {
    bootstrap: cluster.bootstrap,
    brokers: cluster.brokers,
    replicationFactor: cluster.replicationFactor,
    minIsr: cluster.minIsr,
    external: false,
    cluster,
    env: { KAFKA_BOOTSTRAP_SERVERS: cluster.bootstrap },
    stop: () => cluster.stop(),
  }
}
