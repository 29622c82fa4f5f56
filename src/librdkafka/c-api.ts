/**
 * @module librdkafka/c-api
 * What every FFI over librdkafka's C API shares whatever the runtime opens it with (bun:ffi in
 * bindings.ts, Deno.dlopen in src/contender/kafka/ffi-sink-deno.ts): the constants and struct
 * offsets of rdkafka.h, and where the project's one build is. No runtime-specific import here.
 */
import { existsSync, readFileSync } from 'node:fs'
import { PATHS } from '../paths.ts'
import { KafkaError } from './errors.ts'

export const RD = {
  PRODUCER: 0,
  CONSUMER: 1,
  EVENT_DR: 0x1,
  EVENT_ERROR: 0x8,
  EVENT_STATS: 0x40,
  CONF_OK: 0,
  ERR_NO_ERROR: 0,
  ERR_QUEUE_FULL: -184,
  ERR_TOPIC_ALREADY_EXISTS: 36,
  /** rd_kafka_admin_op_t RD_KAFKA_ADMIN_OP_CREATETOPICS */
  ADMIN_OP_CREATETOPICS: 1,
  MSG_F_COPY: 0x2,
  OFFSET_BEGINNING: -2,
  PARTITION_UA: -1,
  VTYPE: {
    END: 0,
    TOPIC: 1,
    RKT: 2,
    PARTITION: 3,
    VALUE: 4,
    KEY: 5,
    OPAQUE: 6,
    MSGFLAGS: 7,
    TIMESTAMP: 8,
    HEADER: 9,
    HEADERS: 10,
  },
  /** sizeof(rd_kafka_vu_t): int vtype, padding, then a 64-byte union */
  VU_SIZE: 72,
  /** rd_kafka_message_t offsets: err i32 @0, rkt @8, partition i32 @16, payload @24, len @32, key @40, key_len @48, offset i64 @56, _private @64 */
  MSG: { err: 0, partition: 16, payload: 24, len: 32, key: 40, keyLen: 48, offset: 56, opaque: 64 },
} as const

/** Where set-up put the shared library (the manifest), or LIBRDKAFKA_PATH. */
export function librdkafkaPath(): string {
  const fromEnv = process.env.LIBRDKAFKA_PATH
  if (fromEnv) return fromEnv
  if (!existsSync(PATHS.manifest)) {
    throw new KafkaError(`librdkafka is not built yet (${PATHS.manifest} missing): run \`bun run setup\``, 'NOT_BUILT')
  }
  const lib = (JSON.parse(readFileSync(PATHS.manifest, 'utf8')) as { librdkafkaLib?: string }).librdkafkaLib
  if (!lib || !existsSync(lib))
    throw new KafkaError(`librdkafka shared library ${lib} missing: run \`bun run setup\``, 'NOT_BUILT')
  return lib
}

const encoder = new TextEncoder()

/** A NUL-terminated copy for passing `const char *` (keep the buffer alive while C reads it). */
export function cstr(s: string): Uint8Array {
  return encoder.encode(`${s}\0`)
}

/** The C string librdkafka wrote into `buf` (an errstr buffer), up to its NUL. */
export function cstringOf(buf: Uint8Array): string {
  const end = buf.indexOf(0)
  return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end))
}
