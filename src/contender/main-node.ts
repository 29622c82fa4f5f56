/**
 * The `node` contender: the same TypeScript producer on Node.js, with
 * @confluentinc/kafka-javascript (linked against the same librdkafka build) and Node's global
 * WebSocket (undici). Bundled by set-up to .cache/dist/producer.node.js and run on the pinned LTS
 * Node set-up installs (src/setup/node-runtime.ts); its version is the report's runtime.version.
 */
import { main } from './cli.ts'
import { ConfigError } from './config.ts'
import { createConfluentSink } from './kafka/confluent-sink.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { summarizeStats } from './kafka/stats-summary.ts'
import { nodeSockets } from './upbit/socket-node.ts'

const bindingVersion = (() => {
  try {
    return (require('@confluentinc/kafka-javascript/package.json') as { version: string }).version
  } catch {
    return 'unknown'
  }
})()
const sockets = nodeSockets()

await main({
  runtime: 'node',
  loadSettings: loadProducerSettings,
  adapter: {
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
    summarizeStats,
  },
})
