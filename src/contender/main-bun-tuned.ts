/**
 * The `bun-tuned` contender: the TypeScript producer on Bun, librdkafka through bun:ffi with the
 * thinnest glue Bun allows (kafka/ffi-sink.ts) and Bun's own WebSocket client
 * (docs/contenders.md). `bun src/contender/main-bun-tuned.ts [--flags]`.
 */
import { main } from './cli.ts'
import { ffiOpenSink } from './startup.ts'
import { createFfiSink } from './kafka/ffi-sink.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { bunSockets } from './upbit/socket-bun.ts'

await main({
  runtime: 'bun-tuned',
  loadSettings: loadProducerSettings,
  adapter: {
    runtime: {
      name: 'bun',
      version: Bun.version,
      websocket: bunSockets.description,
      kafkaBinding:
        "bun:ffi → librdkafka C API (rd_kafka_produceva; events served on the JS thread, woken by the queue's io-event pipe)",
      heapMeaning:
        "process.memoryUsage().heapUsed: JavaScriptCore's heap size (JS objects; not native memory such as librdkafka's queues or socket buffers)",
    },
    sockets: bunSockets,
    openSink: ffiOpenSink(createFfiSink),
  },
})
