/**
 * The node contender's Node is the one set-up pinned: the installed binary reports the pinned
 * version, the Kafka addon loads in it (compiled against its headers), and the version check
 * refuses any other Node with a message naming the fix.
 */
import { describe, expect, test } from 'bun:test'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../paths.ts'
import { checkNodeBinary, NODE_VERSION, nodeBinary, nodeVersionOf } from './node-runtime.ts'

function fakeNode(says: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ukb-node-')), 'node')
  writeFileSync(file, `#!/bin/sh\necho ${says}\n`)
  chmodSync(file, 0o755)
  return file
}

describe('the pinned Node', () => {
  test('is a current line (22 or newer), installed by set-up, and reports the pinned version', () => {
    expect(Number(NODE_VERSION.split('.')[0])).toBeGreaterThanOrEqual(22)
    expect(nodeVersionOf(nodeBinary())).toBe(NODE_VERSION)
    expect(() => checkNodeBinary(nodeBinary())).not.toThrow()
  })

  test('loads the Kafka addon set-up built against its headers, linked to the shared librdkafka', () => {
    const script =
      "const k = require('@confluentinc/kafka-javascript'); console.log(process.versions.node, k.librdkafkaVersion)"
    const proc = Bun.spawnSync([nodeBinary(), '-e', script], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' })
    expect(proc.stderr.toString()).toBe('')
    const binding = require(join(ROOT, 'node_modules', '@confluentinc', 'kafka-javascript', 'package.json'))
    expect(proc.stdout.toString().trim()).toBe(`${NODE_VERSION} ${binding.librdkafka}`)
  })

  test('another Node is refused, naming both versions and the fix', () => {
    expect(() => checkNodeBinary(fakeNode('v20.20.2'))).toThrow(
      `reports Node 20.20.2, the node contender is pinned to ${NODE_VERSION}: run \`bun run setup\``,
    )
  })

  test('a binary that does not run or says no version is refused, naming the fix', () => {
    expect(() => checkNodeBinary(join(tmpdir(), 'no-such-dir', 'node'))).toThrow(/does not run.*bun run setup/)
    expect(() => checkNodeBinary(fakeNode('hello'))).toThrow(/does not run.*bun run setup/)
  })
})
