/**
 * The comparison's environment table names the Node the node contender ran on: the pinned one
 * set-up installed, not whatever `node` the machine has on its PATH.
 */
import { expect, test } from 'bun:test'
import { NODE_VERSION } from '../setup/node-runtime.ts'
import { readEnvironment } from './environment.ts'

test("the environment's Node.js is the node contender's pinned Node", () => {
  expect(readEnvironment().nodeVersion).toBe(NODE_VERSION)
})
