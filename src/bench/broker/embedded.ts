/**
 * @module bench/broker/embedded
 * The broker entry point the rest of the project imports: the single node (`startKafka`, as
 * before), the 1- or 3-node cluster (`startCluster`), and `useKafka`, which starts either or
 * uses KAFKA_BOOTSTRAP_SERVERS. Each lives in its own module; this one only gathers them.
 */
export { startKafka, type KafkaBroker, type KafkaOptions } from './single.ts'
export { startCluster, type ClusterOptions, type KafkaCluster } from './cluster.ts'
export { replicationFor, useKafka, type KafkaHandle, type UseKafkaOptions } from './use.ts'
export { cpuBetween, type CpuSample, type CpuUsage } from './cpu.ts'
export { KafkaSetupError } from './jvm.ts'
export { BrokersFlag, takeBrokersFlag } from './flags.ts'
