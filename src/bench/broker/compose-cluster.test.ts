/**
 * compose.yml's `cluster` profile through the repo's compose checker (tools/compose-check, which
 * loads the file with compose-go, the library `docker compose config` is built on). The checker
 * activates only the `contenders` profile, so a copy with the cluster's services moved into it
 * is checked: three KRaft nodes with one cluster id and a static 3-voter quorum, RF 3 and min ISR
 * 2, and a kafka-ui whose bootstrap list names all three.
 */
import { expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT } from '../../paths.ts'

test('compose.yml profile cluster: kafka-1..3 (RF 3, min ISR 2, one quorum) and kafka-ui-cluster over all three', async () => {
  const copy = join(mkdtempSync(join(tmpdir(), 'compose-cluster-')), 'compose.yml')
  const text = readFileSync(join(ROOT, 'compose.yml'), 'utf8')
  expect(text).toContain('profiles: [cluster]')
  writeFileSync(copy, text.replaceAll('profiles: [cluster]', 'profiles: [contenders]'))
  const proc = Bun.spawn(['go', 'run', '.', copy], {
    cwd: join(ROOT, 'tools', 'compose-check'),
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  // with an empty module cache (CI), `go run` first says which modules it downloads: not the checker's verdict
  const said = err
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^go: (downloading|finding|extracting) /.test(line))
    .join('\n')
  expect({ code, err: said }).toEqual({ code: 0, err: '' })
  const services = (
    Bun.YAML.parse(out) as { services: Record<string, { environment?: Record<string, string>; depends_on?: object }> }
  ).services
  const ids = new Set<string>()
  for (const n of [1, 2, 3]) {
    const env = services[`kafka-${n}`]?.environment ?? {}
    expect(env).toMatchObject({
      KAFKA_NODE_ID: String(n),
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
      KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
    })
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(`PLAINTEXT://kafka-${n}:9092`)
    ids.add(env.CLUSTER_ID!)
  }
  expect(ids.size).toBe(1)
  expect(services['kafka-ui-cluster']?.environment?.KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe(
    'kafka-1:9092,kafka-2:9092,kafka-3:9092',
  )
  expect(Object.keys(services['kafka-ui-cluster']?.depends_on ?? {}).sort()).toEqual(['kafka-1', 'kafka-2', 'kafka-3'])
  // the single-broker services are untouched
  expect(services.kafka?.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093')
}, 300_000)
