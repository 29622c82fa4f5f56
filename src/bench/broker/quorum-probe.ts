/**
 * @module bench/broker/quorum-probe
 * The KRaft controller quorum as the brokers see it: DescribeQuorum (API 55) on the
 * __cluster_metadata partition, sent to a broker (brokers forward it to the active controller, as
 * `kafka-metadata-quorum --bootstrap-server` does). No JVM and no client library: a leader id of
 * -1 or an error code means "no quorum leader yet". Versions 0 and 1 are read (1 only adds two
 * timestamps per replica, which are skipped).
 */
import { API, apiVersions, compact, exchange, Reader, request, withConnection } from './wire.ts'

export interface QuorumReplica {
  id: number
  logEndOffset: bigint
}

export interface QuorumState {
  leaderId: number
  leaderEpoch: number
  highWatermark: bigint
  voters: QuorumReplica[]
  observers: QuorumReplica[]
}

const METADATA_TOPIC = '__cluster_metadata'

function body(): Buffer {
  return Buffer.concat([
    compact.arrayLength(1),
    compact.string(METADATA_TOPIC),
    compact.arrayLength(1),
    Buffer.from([0, 0, 0, 0]), // partition 0
    compact.noTags(),
    compact.noTags(),
    compact.noTags(),
  ])
}

function replicas(r: Reader, version: number): QuorumReplica[] {
  const out: QuorumReplica[] = []
  for (let n = r.compactArray(); n > 0; n--) {
    const id = r.i32()
    const logEndOffset = r.i64()
    if (version >= 1) {
      r.i64() // last fetch timestamp
      r.i64() // last caught-up timestamp
    }
    r.skipTags()
    out.push({ id, logEndOffset })
  }
  return out
}

/** Parses a DescribeQuorum v0/v1 response (after the correlation id). */
export function parseDescribeQuorum(buf: Buffer, version: number): QuorumState {
  const r = new Reader(buf)
  r.skipTags() // response header v1
  const errorCode = r.i16()
  if (errorCode !== 0) throw new Error(`DescribeQuorum answered error code ${errorCode}`)
  for (let topics = r.compactArray(); topics > 0; topics--) {
    const name = r.compactString()
    for (let parts = r.compactArray(); parts > 0; parts--) {
      r.i32() // partition index
      const partitionError = r.i16()
      const state: QuorumState = {
        leaderId: r.i32(),
        leaderEpoch: r.i32(),
        highWatermark: r.i64(),
        voters: replicas(r, version),
        observers: replicas(r, version),
      }
      r.skipTags()
      if (name !== METADATA_TOPIC) continue
      if (partitionError !== 0) throw new Error(`DescribeQuorum: partition error code ${partitionError}`)
      return state
    }
    r.skipTags()
  }
  throw new Error(`DescribeQuorum: no ${METADATA_TOPIC} partition in the answer`)
}

/** The quorum as seen through the broker at host:port; rejects on no answer or an error code. */
export async function describeQuorum(host: string, port: number, timeoutMs = 3000): Promise<QuorumState> {
  return withConnection(host, port, timeoutMs, async (socket) => {
    const range = (await apiVersions(socket)).get(API.DESCRIBE_QUORUM)
    if (!range) throw new Error('broker does not list the DescribeQuorum API')
    const version = Math.min(range[1], 1)
    if (version < range[0]) throw new Error(`broker DescribeQuorum versions ${range[0]}..${range[1]} not in 0..1`)
    const answer = await exchange(socket, request(API.DESCRIBE_QUORUM, version, 2, body(), true))
    return parseDescribeQuorum(answer, version)
  })
}
