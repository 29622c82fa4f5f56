/**
 * The struct offsets src/librdkafka/metadata.ts reads with bun:ffi, checked against the rdkafka.h
 * set-up installed: a C program prints offsetof/sizeof of each field and must agree with
 * MD_LAYOUT. A librdkafka upgrade that moves a field fails here, not as garbage leader ids.
 */
import { expect, test } from 'bun:test'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MD_LAYOUT } from '../../librdkafka/metadata.ts'
import { PATHS } from '../../paths.ts'

const FIELDS: Record<string, [string, Record<string, string>]> = {
  metadata: [
    'rd_kafka_metadata_t',
    {
      brokerCnt: 'broker_cnt',
      brokers: 'brokers',
      topicCnt: 'topic_cnt',
      topics: 'topics',
      origBrokerId: 'orig_broker_id',
    },
  ],
  broker: ['rd_kafka_metadata_broker_t', { id: 'id', host: 'host', port: 'port' }],
  topic: [
    'rd_kafka_metadata_topic_t',
    { topic: 'topic', partitionCnt: 'partition_cnt', partitions: 'partitions', err: 'err' },
  ],
  partition: [
    'rd_kafka_metadata_partition_t',
    {
      id: 'id',
      err: 'err',
      leader: 'leader',
      replicaCnt: 'replica_cnt',
      replicas: 'replicas',
      isrCnt: 'isr_cnt',
      isrs: 'isrs',
    },
  ],
}

test('rd_kafka_metadata_* offsets match rdkafka.h', () => {
  const manifest = JSON.parse(readFileSync(PATHS.manifest, 'utf8')) as { librdkafkaPrefix: string }
  const lines: string[] = []
  for (const [group, [struct, fields]] of Object.entries(FIELDS)) {
    lines.push(`printf("${group}.size %zu\\n", sizeof(${struct}));`)
    for (const [name, cField] of Object.entries(fields))
      lines.push(`printf("${group}.${name} %zu\\n", offsetof(${struct}, ${cField}));`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'md-layout-'))
  writeFileSync(
    join(dir, 'layout.c'),
    `#include <stdio.h>\n#include <stddef.h>\n#include <librdkafka/rdkafka.h>\nint main(void) {\n${lines.join('\n')}\nreturn 0;\n}\n`,
  )
  const cc = Bun.spawnSync(
    ['cc', '-I', join(manifest.librdkafkaPrefix, 'include'), '-o', join(dir, 'layout'), join(dir, 'layout.c')],
    { stderr: 'pipe' },
  )
  expect(cc.stderr.toString()).toBe('')
  const actual = Object.fromEntries(
    Bun.spawnSync([join(dir, 'layout')])
      .stdout.toString()
      .trim()
      .split('\n')
      .map((l) => l.split(' '))
      .map(([k, v]) => [k!, Number(v)]),
  )
  for (const [group, layout] of Object.entries(MD_LAYOUT)) {
    for (const [name, offset] of Object.entries(layout)) {
      const key = `${group}.${name}`
      expect({ [key]: offset as number | undefined }).toEqual({ [key]: actual[key] })
    }
  }
  // the metadata container's size is not read; only the arrays' element sizes are
  expect(actual['metadata.size']).toBe(48)
})
