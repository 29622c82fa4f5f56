/**
 * The driver ffi-sink-node.int.test.ts runs on the pinned Node (node:ffi is Node's, not Bun's):
 * the node:ffi sink through the shared cases of sink-driver.fixture.ts.
 */
import { createNodeFfiSink, librdkafkaVersion } from './ffi-sink-node.ts'
import { drive } from './sink-driver.fixture.ts'

await drive(createNodeFfiSink, librdkafkaVersion(), 'node-tuned', process.argv.slice(2))
