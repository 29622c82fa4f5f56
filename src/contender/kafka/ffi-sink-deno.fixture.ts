/**
 * The driver ffi-sink-deno.int.test.ts runs on the pinned Deno (Deno.dlopen is Deno's): the sink
 * of the contender named by the first argument (`deno`: ffi-sink-plain-deno.ts; `deno-tuned`:
 * ffi-sink-deno.ts) through the shared cases of sink-driver.fixture.ts.
 */
import { deno } from '../deno-api.ts'
import { cString, open } from './deno-rdkafka.ts'
import { createDenoFfiSink } from './ffi-sink-deno.ts'
import { createPlainDenoFfiSink } from './ffi-sink-plain-deno.ts'
import { drive } from './sink-driver.fixture.ts'

const SINKS = { deno: createPlainDenoFfiSink, 'deno-tuned': createDenoFfiSink }
const [contender = '', ...args] = process.argv.slice(2)
const createSink = SINKS[contender as keyof typeof SINKS]
if (!createSink) throw new Error(`no deno sink for ${contender}`)
await drive(createSink, cString(deno(), open().rd.rd_kafka_version_str()), contender, args)
