/**
 * The `node-ws` contender: the node contender with the `ws` package in place of Node's global
 * WebSocket (undici), everything else the same. Beside `node` it shows what the WebSocket client
 * costs on Node apart from the Kafka binding.
 */
import { main } from './cli.ts'
import { loadProducerSettings } from './kafka/settings.ts'
import { nodeAdapter } from './node-adapter.ts'
import { wsSockets } from './upbit/socket-ws.ts'

await main({ runtime: 'node-ws', loadSettings: loadProducerSettings, adapter: nodeAdapter(wsSockets) })
