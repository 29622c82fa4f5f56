/**
 * The `bun` contender, as shipped: the TypeScript producer on Bun, librdkafka through bun:ffi the
 * way librdkafka's own documentation shows a producer (kafka/ffi-sink-plain.ts; Bun has no
 * mainstream binding) and Bun's own WebSocket client (docs/contenders.md).
 * `bun src/contender/main-bun.ts [--flags]`.
 */
import { main } from './cli.ts'
import { ffiOpenSink } from './startup.ts'
import { createPlainFfiSink } from './kafka/ffi-sink-plain.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { bunSockets } from './upbit/socket-bun.ts'

await main({
  runtime: 'bun',
  loadSettings: loadProducerSettings,
  adapter: {
    runtime: {
      name: 'bun',
      version: Bun.version,
      websocket: bunSockets.description,
      kafkaBinding:
        'bun:ffi → librdkafka C API as its docs show (rd_kafka_produceva per message from a vector built for it, a JSCallback delivery-report callback, rd_kafka_poll after each produce and on a 1-ms timer)',
      heapMeaning:
        "process.memoryUsage().heapUsed: JavaScriptCore's heap size (JS objects; not native memory such as librdkafka's queues or socket buffers)",
    },
    sockets: bunSockets,
    openSink: ffiOpenSink(createPlainFfiSink),
  },
})
