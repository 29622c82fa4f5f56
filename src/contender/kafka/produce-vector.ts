/**
 * @module kafka/produce-vector
 * What the FFI sinks (bun:ffi in ffi-sink.ts, Deno.dlopen in ffi-sink-deno.ts) share, whatever
 * the runtime calls C with: the rd_kafka_produceva vector one message is described by, and the
 * walk over a delivery-report event. Each runtime brings only how it takes an address and reads
 * a native word.
 */
import { RD } from '../../librdkafka/c-api.ts'
import { KafkaError } from '../../librdkafka/errors.ts'
import type { Phase } from './sink.ts'

/** rd_kafka_event_message_array fills at most this many message pointers per call */
export const DR_BATCH = 4096
/** the seq header holds a decimal number; 20 digits covers 2^64 */
const SEQ_DIGITS = 20
/** rkt, value, key, opaque, msgflags and the three headers */
export const VU_COUNT = 8

const SEQ_AT = RD.VU_SIZE * VU_COUNT
const SEQ_NAME_AT = SEQ_AT + 32
const CONTENDER_NAME_AT = SEQ_NAME_AT + 16
const CONTENDER_AT = CONTENDER_NAME_AT + 16
const PHASE_NAME_AT = CONTENDER_AT + 64
const PHASE_AT: Record<Phase, number> = { warmup: PHASE_NAME_AT + 16, window: PHASE_NAME_AT + 32 }
const NUL = (s: string) => new TextEncoder().encode(`${s}\0`)

/**
 * One scratch buffer holds the rd_kafka_vu_t array reused by every produce and the bytes its
 * header entries point at: small typed arrays of their own may be moved by the GC after their
 * address was taken (seen on Bun: a stale seq header), a single larger buffer stays put. Every
 * call is made with RD_KAFKA_MSG_F_COPY, so nothing here is referenced after produceva returns.
 */
export class ProduceVector {
  readonly bytes = new ArrayBuffer(4096)
  /** the buffer's native address */
  readonly address: number
  private readonly view = new DataView(this.bytes)
  private readonly seqDigits = new Uint8Array(this.bytes, SEQ_AT, SEQ_DIGITS)
  private readonly VALUE: number
  private readonly KEY: number
  private readonly OPAQUE: number
  private readonly SEQ_HEADER: number
  private readonly PHASE_HEADER: number

  /** `addressOf`: the runtime's way to a buffer's native address; `rkt`: the topic handle's address */
  constructor(addressOf: (buffer: ArrayBuffer) => number, rkt: number, contender: string) {
    const contenderBytes = new TextEncoder().encode(contender)
    if (contenderBytes.length > 64) throw new KafkaError(`contender name too long: ${contender}`, 'INVALID_ARG')
    this.address = addressOf(this.bytes)
    const scratch = new Uint8Array(this.bytes)
    scratch.set(NUL('seq'), SEQ_NAME_AT)
    scratch.set(NUL('contender'), CONTENDER_NAME_AT)
    scratch.set(contenderBytes, CONTENDER_AT)
    scratch.set(NUL('phase'), PHASE_NAME_AT)
    for (const phase of ['warmup', 'window'] as const) scratch.set(new TextEncoder().encode(phase), PHASE_AT[phase])
    const slot = (i: number, vtype: number) => {
      this.view.setInt32(i * RD.VU_SIZE, vtype, true)
      return i * RD.VU_SIZE + 8
    }
    this.setPtr(slot(0, RD.VTYPE.RKT), rkt)
    this.VALUE = slot(1, RD.VTYPE.VALUE)
    this.KEY = slot(2, RD.VTYPE.KEY)
    this.OPAQUE = slot(3, RD.VTYPE.OPAQUE)
    this.view.setInt32(slot(4, RD.VTYPE.MSGFLAGS), RD.MSG_F_COPY, true)
    this.SEQ_HEADER = slot(5, RD.VTYPE.HEADER)
    this.setPtr(this.SEQ_HEADER, this.address + SEQ_NAME_AT)
    const contenderHeader = slot(6, RD.VTYPE.HEADER)
    this.setPtr(contenderHeader, this.address + CONTENDER_NAME_AT)
    this.setPtr(contenderHeader + 8, this.address + CONTENDER_AT)
    this.setPtr(contenderHeader + 16, contenderBytes.length)
    this.PHASE_HEADER = slot(7, RD.VTYPE.HEADER)
    this.setPtr(this.PHASE_HEADER, this.address + PHASE_NAME_AT)
    // both values are six bytes long; set() only points the header at one or the other
    this.setPtr(this.PHASE_HEADER + 16, 6)
  }

  /** 64-bit little-endian stores as two 32-bit halves: no BigInt per message */
  private setPtr(offset: number, p: number): void {
    this.view.setUint32(offset, p >>> 0, true)
    this.view.setUint32(offset + 4, Math.floor(p / 0x1_0000_0000), true)
  }

  /** Describes one message: key and value by address and length, `seq` as opaque and header. */
  set(keyAt: number, keyLength: number, valueAt: number, valueLength: number, seq: number, phase: Phase): void {
    this.setPtr(this.VALUE, valueAt)
    this.setPtr(this.VALUE + 8, valueLength)
    this.setPtr(this.KEY, keyAt)
    this.setPtr(this.KEY + 8, keyLength)
    this.setPtr(this.OPAQUE, seq)
    let n = seq
    let i = SEQ_DIGITS
    do {
      this.seqDigits[--i] = 48 + (n % 10)
      n = Math.floor(n / 10)
    } while (n > 0)
    // digits are right-aligned; point the header at the first one
    this.setPtr(this.SEQ_HEADER + 8, this.address + SEQ_AT + i)
    this.setPtr(this.SEQ_HEADER + 16, SEQ_DIGITS - i)
    this.setPtr(this.PHASE_HEADER + 8, this.address + PHASE_AT[phase])
  }
}

/** How a runtime reads a delivered rd_kafka_message_t at a native address. */
export interface MessageReader {
  /** rd_kafka_event_message_array into `addresses` (at most DR_BATCH); the count */
  fill(addresses: BigUint64Array): number
  i32(address: number, offset: number): number
  pointer(address: number, offset: number): number
}

/**
 * Serves one RD_KAFKA_EVENT_DR: every message's error and opaque (the seq it was produced with),
 * fetched DR_BATCH at a time until a short batch says the event is drained.
 */
export function walkDeliveries(
  read: MessageReader,
  addresses: BigUint64Array,
  errName: (code: number) => string,
  onDelivery: (seq: number, errName: string | undefined) => void,
): void {
  let n: number
  do {
    n = read.fill(addresses)
    for (let i = 0; i < n; i++) {
      const msg = Number(addresses[i])
      const err = read.i32(msg, RD.MSG.err)
      onDelivery(read.pointer(msg, RD.MSG.opaque), err === RD.ERR_NO_ERROR ? undefined : errName(err))
    }
  } while (n === DR_BATCH)
}
