/**
 * @module bench/broker/node-config
 * server.properties and log4j2.properties of one combined broker+controller KRaft node. The same
 * text serves the single node (replication 1) and each node of a 3-node cluster (replication 3,
 * min ISR 2, as OpenMessaging Benchmark's Kafka driver runs), so the two set-ups differ only
 * where replication needs them to.
 */
export interface NodeConfig {
  nodeId: number
  port: number
  controllerPort: number
  /** controller.quorum.voters: `1@127.0.0.1:p1,2@127.0.0.1:p2,...` (a static quorum) */
  voters: string
  logDir: string
  /** default partitions of auto-created topics */
  partitions: number
  /** replication of internal topics and default.replication.factor */
  replicationFactor: number
  /** min.insync.replicas, also of the transaction and share-state internal topics */
  minIsr: number
  /** extra or replacing properties (e.g. shorter session timeouts in a test) */
  overrides?: Record<string, string>
}

export function serverProperties(o: NodeConfig): string {
  const cluster = o.replicationFactor > 1
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': o.nodeId,
    // static voters, all formatted with one cluster id: no --standalone, whose dynamic quorum
    // conflicts with a static voters list (KAFKA-18987)
    'controller.quorum.voters': o.voters,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': o.logDir,
    'num.partitions': o.partitions,
    'auto.create.topics.enable': 'true',
    // topics made without an explicit replication (auto-created, or created with -1) get the
    // cluster's: 3 and min ISR 2 on the cluster, so acks=all really waits for a second copy
    'default.replication.factor': o.replicationFactor,
    'min.insync.replicas': o.minIsr,
    'offsets.topic.replication.factor': o.replicationFactor,
    'transaction.state.log.replication.factor': o.replicationFactor,
    'transaction.state.log.min.isr': o.minIsr,
    'share.coordinator.state.topic.replication.factor': o.replicationFactor,
    'share.coordinator.state.topic.min.isr': o.minIsr,
    'group.initial.rebalance.delay.ms': 0,
    // fewer background threads: 2 shared cores. Three JVMs split fewer request handlers each;
    // the single node keeps the counts earlier single-broker results were measured with.
    'num.network.threads': 2,
    'num.io.threads': cluster ? 2 : 4,
    ...(cluster ? { 'background.threads': 4, 'num.recovery.threads.per.data.dir': 1 } : {}),
    'log.cleaner.enable': 'false',
    ...o.overrides,
  }
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`
}

/** Console logging (to the node's log file): INFO for the broker, WARN for the client libraries. */
export const LOG4J2 = `status = warn
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

/** JVM flags. The cluster's three JVMs also cap GC and JIT threads: 2 cores serve all three. */
export function jvmFlags(heapMb: number, cluster: boolean): string[] {
  return [
    `-Xms${heapMb}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    ...(cluster ? ['-XX:ParallelGCThreads=1', '-XX:ConcGCThreads=1', '-XX:CICompilerCount=2'] : []),
    '-Djava.awt.headless=true',
  ]
}
