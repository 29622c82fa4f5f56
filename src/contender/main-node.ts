/**
 * The `node` contender: the same TypeScript producer on Node.js, with
 * @confluentinc/kafka-javascript (linked against the same librdkafka build) and Node's global
 * WebSocket (undici). Bundled by set-up (src/registry/registry.ts) and run on the pinned LTS Node
 * (src/registry/node-runtime.ts).
 */
import { main } from './cli.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { nodeAdapter } from './node-adapter.ts'
import { nodeSockets } from './upbit/socket-node.ts'

await main({ runtime: 'node', loadSettings: loadProducerSettings, adapter: nodeAdapter(nodeSockets()) })
