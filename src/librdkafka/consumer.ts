/**
 * @module librdkafka/consumer
 * Reads a whole topic back (for the audit and the tests) with librdkafka's consumer through
 * bun:ffi: every partition assigned from the beginning, read up to the high watermark taken at
 * the start, no consumer group commits. Only used after producers finished, so "the end" is fixed.
 */
import { ptr, read, toArrayBuffer, type Pointer } from 'bun:ffi'
import { KafkaError } from './errors.ts'
import { cstr, errName, errString, makeClient, makeConf, RD, rdk, requestMetadata } from './bindings.ts'

/** One message read back: its bytes, its headers (the last value of each name) and where it was. */
export interface ConsumedMessage {
  key: Uint8Array | null
  value: Uint8Array
  headers: Record<string, string>
  partition: number
  offset: number
}

const decoder = new TextDecoder()

function copyOut(p: number, len: number): Uint8Array {
  // copy: the message memory is freed with rd_kafka_message_destroy
  return len === 0 ? new Uint8Array(0) : new Uint8Array(toArrayBuffer(p as Pointer, 0, len).slice(0))
}

export interface ConsumeOptions {
  /**
   * Give up when no message arrives for this long. A time bound on progress, not on the whole
   * read: an hour's soak holds millions of messages, which no fixed deadline fits on every machine.
   */
  idleTimeoutMs?: number
}

/** Every message of `topic`, held in memory: for the tests' small topics. */
export async function readTopic(bootstrap: string, topic: string, o: ConsumeOptions = {}): Promise<ConsumedMessage[]> {
  const messages: ConsumedMessage[] = []
  await consumeTopic(bootstrap, topic, (m) => messages.push(m), o)
  return messages
}

/**
 * Hands every message of `topic` to `onMessage` as it is read (each partition in offset order),
 * holding none; resolves with how many there were.
 */
export async function consumeTopic(
  bootstrap: string,
  topic: string,
  onMessage: (message: ConsumedMessage) => void,
  o: ConsumeOptions = {},
): Promise<number> {
  const c = rdk()
  const idleTimeoutMs = o.idleTimeoutMs ?? 60_000
  const conf = makeConf({
    'bootstrap.servers': bootstrap,
    'group.id': `audit-${process.pid}-${Date.now()}`,
    'enable.auto.commit': 'false',
    'enable.partition.eof': 'false',
    // the producers used idempotence without transactions; read everything acknowledged
    'isolation.level': 'read_uncommitted',
  })
  const rk = makeClient(RD.CONSUMER, conf)
  const topicName = cstr(topic)
  const rkt = c.rd_kafka_topic_new(rk, topicName, null) as Pointer
  try {
    const partitions = requestMetadata(rk, 10_000, rkt)
    const low = new BigInt64Array(1)
    const high = new BigInt64Array(1)
    const ends: number[] = []
    const starts: number[] = []
    for (let p = 0; p < partitions; p++) {
      const err = c.rd_kafka_query_watermark_offsets(rk, topicName, p, ptr(low), ptr(high), 10_000)
      if (err !== 0) throw new KafkaError(`watermarks of ${topic}[${p}]: ${errString(err)}`, errName(err), err)
      starts.push(Number(low[0]))
      ends.push(Number(high[0]))
    }
    const expected = ends.reduce((n, end, p) => n + end - starts[p]!, 0)
    if (expected === 0) return 0
    c.rd_kafka_poll_set_consumer(rk)
    const list = c.rd_kafka_topic_partition_list_new(partitions) as Pointer
    for (let p = 0; p < partitions; p++) {
      const tp = c.rd_kafka_topic_partition_list_add(list, topicName, p) as Pointer
      // rd_kafka_topic_partition_t: char *topic @0, int32 partition @8, int64 offset @16
      new DataView(toArrayBuffer(tp, 0, 24)).setBigInt64(16, BigInt(RD.OFFSET_BEGINNING), true)
    }
    const assignErr = c.rd_kafka_assign(rk, list)
    c.rd_kafka_topic_partition_list_destroy(list)
    if (assignErr !== 0) throw new KafkaError(`assign ${topic}: ${errString(assignErr)}`, errName(assignErr), assignErr)

    let left = expected
    const headersOut = new BigUint64Array(1)
    const nameOut = new BigUint64Array(1)
    const valueOut = new BigUint64Array(1)
    const sizeOut = new BigUint64Array(1)
    let lastProgress = Date.now()
    while (left > 0) {
      if (Date.now() - lastProgress > idleTimeoutMs)
        throw new KafkaError(
          `read ${topic}: ${left} of ${expected} messages not read, none arrived for ${idleTimeoutMs} ms`,
          '_TIMED_OUT',
        )
      const msg = c.rd_kafka_consumer_poll(rk, 100) as Pointer | null
      if (!msg) {
        await Bun.sleep(0)
        continue
      }
      lastProgress = Date.now()
      try {
        const err = read.i32(msg, RD.MSG.err)
        if (err !== 0) throw new KafkaError(`read ${topic}: ${errString(err)}`, errName(err), err)
        const partition = read.i32(msg, RD.MSG.partition)
        const offset = Number(read.i64(msg, RD.MSG.offset))
        if (offset >= ends[partition]!) continue
        const headers: Record<string, string> = {}
        if (c.rd_kafka_message_headers(msg, ptr(headersOut)) === 0) {
          const hdrs = Number(headersOut[0]) as Pointer
          for (let i = 0; c.rd_kafka_header_get_all(hdrs, i, ptr(nameOut), ptr(valueOut), ptr(sizeOut)) === 0; i++) {
            const name = decoder.decode(copyOut(Number(nameOut[0]), strlen(Number(nameOut[0]))))
            headers[name] = decoder.decode(copyOut(Number(valueOut[0]), Number(sizeOut[0])))
          }
        }
        const keyPtr = read.ptr(msg, RD.MSG.key)
        onMessage({
          partition,
          offset,
          key: keyPtr ? copyOut(keyPtr, Number(read.u64(msg, RD.MSG.keyLen))) : null,
          value: copyOut(read.ptr(msg, RD.MSG.payload), Number(read.u64(msg, RD.MSG.len))),
          headers,
        })
        left--
      } finally {
        c.rd_kafka_message_destroy(msg)
      }
    }
    return expected
  } finally {
    c.rd_kafka_consumer_close(rk)
    c.rd_kafka_topic_destroy(rkt)
    c.rd_kafka_destroy(rk)
  }
}

function strlen(p: number): number {
  let n = 0
  while (read.u8(p as Pointer, n) !== 0) n++
  return n
}
