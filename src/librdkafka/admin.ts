/**
 * @module kafka/admin
 * Topic creation through librdkafka's Admin API (bun:ffi), so every contender's topic exists with
 * the same partition count before a run instead of being auto-created on first produce.
 */
import { ptr, read, type Pointer } from 'bun:ffi'
import { KafkaError } from './errors.ts'
import { cstr, cstringOf, errName, makeClient, makeConf, RD, rdk } from './bindings.ts'

export async function createTopic(bootstrap: string, topic: string, partitions: number, o: { replication?: number; timeoutMs?: number; existingOk?: boolean } = {}): Promise<void> {
  const c = rdk()
  const timeoutMs = o.timeoutMs ?? 30_000
  const rk = makeClient(RD.PRODUCER, makeConf({ 'bootstrap.servers': bootstrap }))
  const queue = c.rd_kafka_queue_new(rk) as Pointer
  const errstr = new Uint8Array(512)
  const newTopic = c.rd_kafka_NewTopic_new(cstr(topic), partitions, o.replication ?? 1, errstr, errstr.length) as Pointer | null
  try {
    if (!newTopic) throw new KafkaError(`topic ${topic}: ${cstringOf(errstr)}`, 'INVALID_ARG')
    const array = new BigUint64Array([BigInt(newTopic)])
    c.rd_kafka_CreateTopics(rk, ptr(array), 1, null, queue)
    const deadline = Date.now() + timeoutMs
    let ev: Pointer | null = null
    while (!ev) {
      if (Date.now() > deadline) throw new KafkaError(`create topic ${topic} at ${bootstrap}: no answer within ${timeoutMs} ms`, '_TIMED_OUT')
      ev = c.rd_kafka_queue_poll(queue, 0) as Pointer | null
      if (!ev) await Bun.sleep(10)
    }
    try {
      const result = c.rd_kafka_event_CreateTopics_result(ev) as Pointer | null
      if (!result) throw new KafkaError(`create topic ${topic}: ${c.rd_kafka_event_error_string(ev)}`, errName(c.rd_kafka_event_error(ev)))
      const count = new BigUint64Array(1)
      const topics = c.rd_kafka_CreateTopics_result_topics(result, ptr(count)) as Pointer
      const first = read.ptr(topics, 0) as Pointer
      const err = c.rd_kafka_topic_result_error(first)
      if (err !== 0 && !(err === RD.ERR_TOPIC_ALREADY_EXISTS && (o.existingOk ?? true))) {
        throw new KafkaError(`create topic ${topic}: ${c.rd_kafka_topic_result_error_string(first)}`, errName(err), err)
      }
    } finally {
      c.rd_kafka_event_destroy(ev)
    }
  } finally {
    if (newTopic) c.rd_kafka_NewTopic_destroy(newTopic)
    c.rd_kafka_queue_destroy(queue)
    c.rd_kafka_destroy(rk)
  }
}
