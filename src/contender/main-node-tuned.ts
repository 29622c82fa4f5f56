/**
 * The `node-tuned` contender: the TypeScript producer on the pinned Node with the thinnest glue
 * Node allows: librdkafka through Node's own FFI with the Bun sink's design
 * (kafka/ffi-sink-node.ts) and the `ws` client (upbit/socket-ws.ts) inflating synchronously
 * (upbit/ws-sync-inflate.ts). Bundled by set-up and run on
 * the same Node as `node` (src/registry/node-runtime.ts).
 */
import { main } from './cli.ts'
import { ffiOpenSink } from './startup.ts'
import { createNodeFfiSink } from './kafka/ffi-sink-node.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { wsSockets } from './upbit/socket-ws.ts'
import { installSyncInflate } from './upbit/ws-sync-inflate.ts'

installSyncInflate()
const sockets = {
  ...wsSockets,
  description: `${wsSockets.description}; permessage-deflate inflated synchronously on the JS thread (upbit/ws-sync-inflate.ts)`,
}

await main({
  runtime: 'node-tuned',
  loadSettings: loadProducerSettings,
  adapter: {
    runtime: {
      name: 'node',
      version: process.versions.node,
      websocket: sockets.description,
      kafkaBinding:
        "node:ffi → librdkafka C API (rd_kafka_produceva; events served on the JS thread, woken by the queue's io-event pipe)",
      heapMeaning:
        "process.memoryUsage().heapUsed: V8's used heap (JS objects; not Buffer/ArrayBuffer backing stores, which V8 counts as external, nor librdkafka's native memory)",
    },
    sockets,
    openSink: ffiOpenSink(createNodeFfiSink),
  },
})
