/**
 * @module kafka/metadata-probe
 * Readiness check for a broker by a real Kafka protocol exchange, with no client library:
 * ApiVersions v0 (which every broker answers, since clients negotiate with it) tells which
 * Metadata versions the broker accepts, then a Metadata request (v4–v8, the non-flexible
 * encodings) must list at least one broker. A port that merely accepts TCP is not "ready".
 * Wire format: https://kafka.apache.org/protocol#protocol_messages
 */
import { connect, type Socket } from 'node:net'

const API_METADATA = 3
const API_VERSIONS = 18

export interface ProbeResult {
  brokers: number
  metadataVersion: number
}

function request(apiKey: number, version: number, correlationId: number, body: Buffer): Buffer {
  const clientId = Buffer.from('upbit-kafka-bench-probe')
  const header = Buffer.alloc(2 + 2 + 4 + 2)
  header.writeInt16BE(apiKey, 0)
  header.writeInt16BE(version, 2)
  header.writeInt32BE(correlationId, 4)
  header.writeInt16BE(clientId.length, 8)
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + clientId.length + body.length, 0)
  return Buffer.concat([size, header, clientId, body])
}

/** Sends one request and resolves with the response body (after size and correlation id). */
function exchange(socket: Socket, frame: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let acc = Buffer.alloc(0)
    const onData = (chunk: Buffer) => {
      acc = Buffer.concat([acc, chunk])
      if (acc.length < 4) return
      const size = acc.readInt32BE(0)
      if (acc.length < 4 + size) return
      socket.off('data', onData)
      socket.off('error', reject)
      resolve(acc.subarray(8, 4 + size))
    }
    socket.on('data', onData)
    socket.once('error', reject)
    socket.write(frame)
  })
}

function metadataRange(body: Buffer): [number, number] {
  const errorCode = body.readInt16BE(0)
  if (errorCode !== 0) throw new Error(`ApiVersions answered error code ${errorCode}`)
  const n = body.readInt32BE(2)
  for (let i = 0, at = 6; i < n; i++, at += 6) {
    if (body.readInt16BE(at) === API_METADATA) return [body.readInt16BE(at + 2), body.readInt16BE(at + 4)]
  }
  throw new Error('broker does not list the Metadata API')
}

function metadataBody(version: number): Buffer {
  // topics = null (all), allow_auto_topic_creation = false, and from v8 the two
  // include_*_authorized_operations flags = false
  const body = Buffer.alloc(version >= 8 ? 7 : 5)
  body.writeInt32BE(-1, 0)
  return body
}

/** Asks host:port for its metadata; rejects if the broker does not answer properly in time. */
export async function probeBroker(host: string, port: number, timeoutMs = 3000): Promise<ProbeResult> {
  const socket = connect({ host, port })
  const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    const [min, max] = metadataRange(await exchange(socket, request(API_VERSIONS, 0, 1, Buffer.alloc(0))))
    const version = Math.max(min, 4)
    if (version > Math.min(max, 8)) throw new Error(`broker Metadata versions ${min}..${max} not in 4..8`)
    const body = await exchange(socket, request(API_METADATA, version, 2, metadataBody(version)))
    // throttle_time_ms int32, then the brokers array
    const brokers = body.readInt32BE(4)
    if (brokers < 1) throw new Error('metadata lists no brokers yet')
    return { brokers, metadataVersion: version }
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
}
