/**
 * @module librdkafka/admin
 * Topic creation through librdkafka's Admin API (bun:ffi), so every contender's topic exists with
 * the same partitions, replication and min ISR before a run instead of being auto-created on first
 * produce. Creation is exclusive by default (issue 19): a topic that already exists may hold an
 * earlier run's messages, which would corrupt an audit, so TOPIC_ALREADY_EXISTS is an error
 * unless the caller says `reuse: true`.
 */
import { ptr, read, type Pointer } from 'bun:ffi'
import { KafkaError } from './errors.ts'
import { cstr, cstringOf, errName, makeClient, makeConf, RD, rdk } from './bindings.ts'
import { describeTopic } from './metadata.ts'

export interface CreateTopicOptions {
  /** replicas per partition; -1 (the default) takes the broker's default.replication.factor */
  replicationFactor?: number
  /** @deprecated the old name of replicationFactor */
  replication?: number
  /** the topic's min.insync.replicas (the same as config['min.insync.replicas']) */
  minIsr?: number
  /** topic configs, e.g. { 'retention.ms': '3600000' } */
  config?: Record<string, string>
  /** an existing topic is accepted as it is (the old behaviour); default false: it is an error */
  reuse?: boolean
  /** @deprecated the old name of reuse */
  existingOk?: boolean
  timeoutMs?: number
  /** wait until metadata shows a leader for every partition (default true), so producers start at once */
  waitForLeaders?: boolean
}

export interface CreatedTopic {
  /** false when the topic existed and `reuse` accepted it */
  created: boolean
}

async function pollEvent(queue: Pointer, deadline: number, what: string): Promise<Pointer> {
  for (;;) {
    const ev = rdk().rd_kafka_queue_poll(queue, 0) as Pointer | null
    if (ev) return ev
    if (Date.now() > deadline) throw new KafkaError(`${what}: no answer in time`, '_TIMED_OUT')
    await Bun.sleep(10)
  }
}

function newTopic(
  topic: string,
  partitions: number,
  replicationFactor: number,
  config: Record<string, string>,
): Pointer {
  const c = rdk()
  const errstr = new Uint8Array(512)
  const nt = c.rd_kafka_NewTopic_new(
    cstr(topic),
    partitions,
    replicationFactor,
    errstr,
    errstr.length,
  ) as Pointer | null
  if (!nt) throw new KafkaError(`topic ${topic}: ${cstringOf(errstr)}`, 'INVALID_ARG')
  for (const [name, value] of Object.entries(config)) {
    const err = c.rd_kafka_NewTopic_set_config(nt, cstr(name), cstr(value))
    if (err !== 0) {
      c.rd_kafka_NewTopic_destroy(nt)
      throw new KafkaError(`topic ${topic}: config ${name}=${value}: ${errName(err)}`, errName(err), err)
    }
  }
  return nt
}

async function waitForLeaders(bootstrap: string, topic: string, deadline: number): Promise<void> {
  let last = 'no metadata yet'
  for (;;) {
    try {
      const parts = describeTopic(bootstrap, topic, 2000)
      const leaderless = parts.filter((p) => p.leader < 0).map((p) => p.id)
      if (parts.length > 0 && leaderless.length === 0) return
      last = `partitions without a leader: ${leaderless.join(', ')}`
    } catch (error) {
      last = String((error as Error).message ?? error)
    }
    if (Date.now() > deadline)
      throw new KafkaError(`topic ${topic} at ${bootstrap} not ready in time: ${last}`, '_TIMED_OUT')
    await Bun.sleep(100)
  }
}

export async function createTopic(
  bootstrap: string,
  topic: string,
  partitions: number,
  o: CreateTopicOptions = {},
): Promise<CreatedTopic> {
  const c = rdk()
  const timeoutMs = o.timeoutMs ?? 30_000
  const deadline = Date.now() + timeoutMs
  const reuse = o.reuse ?? o.existingOk ?? false
  const config = { ...(o.minIsr !== undefined ? { 'min.insync.replicas': String(o.minIsr) } : {}), ...o.config }
  const where = `create topic ${topic} at ${bootstrap}`
  const rk = makeClient(RD.PRODUCER, makeConf({ 'bootstrap.servers': bootstrap }))
  const queue = c.rd_kafka_queue_new(rk) as Pointer
  const options = c.rd_kafka_AdminOptions_new(rk, RD.ADMIN_OP_CREATETOPICS) as Pointer
  let nt: Pointer | undefined
  let created = true
  try {
    nt = newTopic(topic, partitions, o.replicationFactor ?? o.replication ?? -1, config)
    // the broker answers once the controller has created the topic, not merely accepted it
    const errstr = new Uint8Array(512)
    if (
      c.rd_kafka_AdminOptions_set_operation_timeout(options, Math.min(timeoutMs, 60_000), errstr, errstr.length) !== 0
    ) {
      throw new KafkaError(`${where}: ${cstringOf(errstr)}`, 'INVALID_ARG')
    }
    c.rd_kafka_CreateTopics(rk, ptr(new BigUint64Array([BigInt(nt)])), 1, options, queue)
    const ev = await pollEvent(queue, deadline, where)
    try {
      const result = c.rd_kafka_event_CreateTopics_result(ev) as Pointer | null
      if (!result)
        throw new KafkaError(`${where}: ${c.rd_kafka_event_error_string(ev)}`, errName(c.rd_kafka_event_error(ev)))
      const count = new BigUint64Array(1)
      const first = read.ptr(c.rd_kafka_CreateTopics_result_topics(result, ptr(count)) as Pointer, 0) as Pointer
      const err = c.rd_kafka_topic_result_error(first)
      if (err === RD.ERR_TOPIC_ALREADY_EXISTS && reuse) created = false
      else if (err === RD.ERR_TOPIC_ALREADY_EXISTS) {
        throw new KafkaError(
          `${where}: the topic already exists (pass reuse: true to accept an existing topic)`,
          errName(err),
          err,
        )
      } else if (err !== 0) {
        throw new KafkaError(`${where}: ${c.rd_kafka_topic_result_error_string(first)}`, errName(err), err)
      }
    } finally {
      c.rd_kafka_event_destroy(ev)
    }
  } finally {
    if (nt) c.rd_kafka_NewTopic_destroy(nt)
    c.rd_kafka_AdminOptions_destroy(options)
    c.rd_kafka_queue_destroy(queue)
    c.rd_kafka_destroy(rk)
  }
  if (o.waitForLeaders ?? true) await waitForLeaders(bootstrap, topic, deadline)
  return { created }
}
