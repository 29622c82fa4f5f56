/**
 * The `deno` contender, as shipped: the TypeScript producer on Deno, run from the sources as they
 * are (no bundle), librdkafka through Deno.dlopen the way librdkafka's own documentation shows a
 * producer (kafka/ffi-sink-plain-deno.ts; the mainstream binding does not load on Deno) and
 * Deno's own WebSocket client (upbit/socket-deno.ts). Run with the pinned Deno set-up installs
 * (src/registry/deno-runtime.ts) and the permissions the registry entry grants.
 */
import { main } from './cli.ts'
import { ffiOpenSink } from './startup.ts'
import { deno } from './deno-api.ts'
import { createPlainDenoFfiSink } from './kafka/ffi-sink-plain-deno.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { denoSockets } from './upbit/socket-deno.ts'

const sockets = denoSockets()

await main({
  runtime: 'deno',
  loadSettings: loadProducerSettings,
  adapter: {
    runtime: {
      name: 'deno',
      version: deno().version.deno,
      websocket: sockets.description,
      kafkaBinding:
        'Deno.dlopen → librdkafka C API as its docs show (rd_kafka_produceva per message from a vector built for it, an UnsafeCallback delivery-report callback, rd_kafka_poll after each produce and on a 1-ms timer)',
      heapMeaning:
        "process.memoryUsage().heapUsed: V8's used heap (JS objects; not ArrayBuffer backing stores, nor librdkafka's native memory)",
    },
    sockets,
    openSink: ffiOpenSink(createPlainDenoFfiSink),
  },
})
