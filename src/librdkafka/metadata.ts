/**
 * @module librdkafka/metadata
 * Cluster metadata through librdkafka's rd_kafka_metadata (bun:ffi): the brokers, and per
 * partition its leader, replicas and in-sync replicas. The broker cluster's fault tests and
 * `leaderOf` read partition leadership here, from the same client library the contenders use.
 */
import { CString, ptr, read, type Pointer } from 'bun:ffi'
import { KafkaError } from './errors.ts'
import { cstr, errName, errString, makeClient, makeConf, RD, rdk } from './bindings.ts'

/**
 * Struct layouts on LP64, checked against rdkafka.h 2.15.1 with offsetof (and again by
 * src/bench/broker/metadata-layout.test.ts, which compiles that check).
 */
export const MD_LAYOUT = {
  /** rd_kafka_metadata_t (48 bytes) */
  metadata: { brokerCnt: 0, brokers: 8, topicCnt: 16, topics: 24, origBrokerId: 32 },
  /** rd_kafka_metadata_broker_t */
  broker: { size: 24, id: 0, host: 8, port: 16 },
  /** rd_kafka_metadata_topic_t */
  topic: { size: 32, topic: 0, partitionCnt: 8, partitions: 16, err: 24 },
  /** rd_kafka_metadata_partition_t */
  partition: { size: 40, id: 0, err: 4, leader: 8, replicaCnt: 12, replicas: 16, isrCnt: 24, isrs: 32 },
} as const

export interface BrokerInfo {
  id: number
  host: string
  port: number
}

export interface PartitionInfo {
  id: number
  /** librdkafka's error name for the partition ('NO_ERROR' when fine), e.g. LEADER_NOT_AVAILABLE */
  error: string
  /** -1 when the partition has no leader */
  leader: number
  replicas: number[]
  isr: number[]
}

export interface TopicInfo {
  topic: string
  /** 'NO_ERROR', or e.g. UNKNOWN_TOPIC_OR_PART */
  error: string
  partitions: PartitionInfo[]
}

export interface ClusterMetadata {
  brokers: BrokerInfo[]
  /** the broker that answered */
  origBrokerId: number
  topics: TopicInfo[]
}

const L = MD_LAYOUT

function cString(p: number): string {
  return p ? new CString(p as Pointer).toString() : ''
}

function ids(p: number, count: number): number[] {
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push(read.i32(p as Pointer, i * 4))
  return out
}

function readTopic(t: Pointer): TopicInfo {
  const partitions: PartitionInfo[] = []
  const base = read.ptr(t, L.topic.partitions)
  for (let i = 0; i < read.i32(t, L.topic.partitionCnt); i++) {
    const p = (base + i * L.partition.size) as Pointer
    partitions.push({
      id: read.i32(p, L.partition.id),
      error: errName(read.i32(p, L.partition.err)),
      leader: read.i32(p, L.partition.leader),
      replicas: ids(read.ptr(p, L.partition.replicas), read.i32(p, L.partition.replicaCnt)),
      isr: ids(read.ptr(p, L.partition.isrs), read.i32(p, L.partition.isrCnt)),
    })
  }
  partitions.sort((a, b) => a.id - b.id)
  return { topic: cString(read.ptr(t, L.topic.topic)), error: errName(read.i32(t, L.topic.err)), partitions }
}

/**
 * One Metadata request through a short-lived client: the brokers, plus `topic` if given (never
 * auto-created by asking). Blocks the JS thread up to timeoutMs (a synchronous C call): keep it short.
 */
export function fetchMetadata(bootstrap: string, o: { topic?: string; timeoutMs?: number } = {}): ClusterMetadata {
  const c = rdk()
  // log_level 2: a probe's failures come back as its return code; connection-refused lines for
  // a node a fault test killed on purpose would only be noise
  const rk = makeClient(
    RD.PRODUCER,
    makeConf({ 'bootstrap.servers': bootstrap, 'allow.auto.create.topics': 'false', log_level: '2' }),
  )
  const rkt = o.topic ? (c.rd_kafka_topic_new(rk, cstr(o.topic), null) as Pointer) : null
  const out = new BigUint64Array(1)
  try {
    const err = c.rd_kafka_metadata(rk, 0, rkt, ptr(out), o.timeoutMs ?? 5000)
    if (err !== RD.ERR_NO_ERROR)
      throw new KafkaError(`metadata from ${bootstrap}: ${errString(err)}`, errName(err), err)
    const md = Number(out[0]) as Pointer
    try {
      const brokers: BrokerInfo[] = []
      const brokerBase = read.ptr(md, L.metadata.brokers)
      for (let i = 0; i < read.i32(md, L.metadata.brokerCnt); i++) {
        const b = (brokerBase + i * L.broker.size) as Pointer
        brokers.push({
          id: read.i32(b, L.broker.id),
          host: cString(read.ptr(b, L.broker.host)),
          port: read.i32(b, L.broker.port),
        })
      }
      brokers.sort((a, b) => a.id - b.id)
      const topics: TopicInfo[] = []
      const topicBase = read.ptr(md, L.metadata.topics)
      for (let i = 0; i < read.i32(md, L.metadata.topicCnt); i++)
        topics.push(readTopic((topicBase + i * L.topic.size) as Pointer))
      return { brokers, origBrokerId: read.i32(md, L.metadata.origBrokerId), topics }
    } finally {
      c.rd_kafka_metadata_destroy(md)
    }
  } finally {
    if (rkt) c.rd_kafka_topic_destroy(rkt)
    c.rd_kafka_destroy(rk)
  }
}

/** The partitions of one topic (leader, replicas, ISR); throws the topic's error, e.g. UNKNOWN_TOPIC_OR_PART. */
export function describeTopic(bootstrap: string, topic: string, timeoutMs = 5000): PartitionInfo[] {
  const t = fetchMetadata(bootstrap, { topic, timeoutMs }).topics.find((x) => x.topic === topic)
  if (!t) throw new KafkaError(`metadata from ${bootstrap} has no topic ${topic}`, 'UNKNOWN_TOPIC_OR_PART')
  if (t.error !== 'NO_ERROR') throw new KafkaError(`topic ${topic}: ${t.error}`, t.error)
  return t.partitions
}
