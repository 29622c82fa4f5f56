/**
 * @module bench/broker/metadata-probe
 * Readiness check for a broker by a real Kafka protocol exchange, with no client library:
 * ApiVersions v0 tells which Metadata versions the broker accepts, then a Metadata request
 * (v4–v8, the non-flexible encodings) must list at least one broker. A port that merely accepts
 * TCP is not "ready". In KRaft a broker lists only brokers the active controller has registered
 * and unfenced, so "every node lists all N brokers" also means the quorum had a leader.
 */
import { API, apiVersions, exchange, Reader, request, withConnection } from './wire.ts'

export interface ProbeResult {
  /** how many brokers the answering broker lists */
  brokers: number
  /** their node ids, ascending */
  brokerIds: number[]
  metadataVersion: number
}

function metadataBody(version: number): Buffer {
  // topics = empty array (none: we only want the brokers), allow_auto_topic_creation = false,
  // and from v8 the two include_*_authorized_operations flags = false
  return Buffer.alloc(version >= 8 ? 7 : 5)
}

/** Asks host:port for its metadata; rejects if the broker does not answer properly in time. */
export async function probeBroker(host: string, port: number, timeoutMs = 3000): Promise<ProbeResult> {
  return withConnection(host, port, timeoutMs, async (socket) => {
    const range = (await apiVersions(socket)).get(API.METADATA)
    if (!range) throw new Error('broker does not list the Metadata API')
    const [min, max] = range
    const version = Math.max(min, 4)
    if (version > Math.min(max, 8)) throw new Error(`broker Metadata versions ${min}..${max} not in 4..8`)
    const r = new Reader(await exchange(socket, request(API.METADATA, version, 2, metadataBody(version))))
    r.i32() // throttle_time_ms
    const brokerIds: number[] = []
    for (let n = r.i32(); n > 0; n--) {
      brokerIds.push(r.i32())
      r.string() // host
      r.i32() // port
      r.string() // rack (nullable, v1+)
    }
    if (brokerIds.length < 1) throw new Error('metadata lists no brokers yet')
    brokerIds.sort((a, b) => a - b)
    return { brokers: brokerIds.length, brokerIds, metadataVersion: version }
  })
}
