/**
 * Formatting a node's storage with any cluster id the generator can produce: a base64url id may
 * start with '-' (1 in 64), which the storage tool must not read as an option.
 */
import { expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KafkaNode } from './node.ts'

test('a cluster id that starts with "-" formats like any other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ukb-format-'))
  const node = new KafkaNode({
    nodeId: 1,
    port: 1,
    controllerPort: 2,
    voters: '1@127.0.0.1:2',
    partitions: 1,
    replicationFactor: 1,
    minIsr: 1,
    dir,
    heapMb: 128,
  })
  node.writeConfig()
  const id = '-bW9ja2NsdXN0ZXJpZA'
  await node.format(id)
  const meta = join(dir, 'log', 'meta.properties')
  expect(existsSync(meta)).toBe(true)
  expect(readFileSync(meta, 'utf8')).toContain(`cluster.id=${id}`)
}, 60_000)
