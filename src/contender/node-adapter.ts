/**
 * @module node-adapter
 * What every contender on Node shares: @confluentinc/kafka-javascript (linked against the one
 * librdkafka) as the sink, and how Node states its runtime. Each Node contender brings its
 * WebSocket client (main-node.ts: Node's global WebSocket, undici).
 */
import type { RuntimeAdapter } from './run.ts'
import { ConfigError } from './config.ts'
import { createConfluentSink } from './kafka/confluent-sink.ts'
import type { SocketFactory } from './upbit/socket.ts'

const bindingVersion = (() => {
  try {
    return (require('@confluentinc/kafka-javascript/package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
})()

export function nodeAdapter(sockets: SocketFactory): RuntimeAdapter {
  return {
    runtime: {
      name: 'node',
      version: process.versions.node,
      websocket: sockets.description,
      kafkaBinding: `@confluentinc/kafka-javascript ${bindingVersion} (node-rdkafka-style Producer)`,
      heapMeaning:
        "process.memoryUsage().heapUsed: V8's used heap (JS objects; not Buffer/ArrayBuffer backing stores, which V8 counts as external, nor librdkafka's native memory)",
    },
    sockets,
    async openSink(config, settings, handlers) {
      try {
        return createConfluentSink({
          bootstrap: config.kafkaBootstrapServers,
          topic: config.topic,
          contender: config.contender,
          settings,
          ...handlers,
        })
      } catch (error) {
        // the binding throws librdkafka's rd_kafka_conf_set message for a rejected property
        const message = (error as Error).message
        if (/configuration property|Invalid value|No such/i.test(message))
          throw new ConfigError(`producer settings: ${message}`)
        throw error
      }
    },
  }
}
