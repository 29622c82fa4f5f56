/**
 * The `deno-tuned` contender: the TypeScript producer on Deno, run from the sources as they are (no
 * bundle), librdkafka through Deno.dlopen with the Bun sink's design (kafka/ffi-sink-deno.ts) and
 * Deno's own WebSocket client (upbit/socket-deno.ts). Run with the pinned Deno set-up installs
 * (src/registry/deno-runtime.ts) and the permissions the registry entry grants.
 */
import { main } from './cli.ts'
import { ffiOpenSink } from './startup.ts'
import { deno } from './deno-api.ts'
import { createDenoFfiSink } from './kafka/ffi-sink-deno.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { denoSockets } from './upbit/socket-deno.ts'

const sockets = denoSockets()

await main({
  runtime: 'deno-tuned',
  loadSettings: loadProducerSettings,
  adapter: {
    runtime: {
      name: 'deno',
      version: deno().version.deno,
      websocket: sockets.description,
      kafkaBinding:
        "Deno.dlopen → librdkafka C API (rd_kafka_produceva; events served on the JS thread, woken by the queue's io-event pipe)",
      heapMeaning:
        "process.memoryUsage().heapUsed: V8's used heap (JS objects; not ArrayBuffer backing stores, nor librdkafka's native memory)",
    },
    sockets,
    openSink: ffiOpenSink(createDenoFfiSink),
  },
})
