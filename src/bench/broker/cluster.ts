/**
 * @module bench/broker/cluster
 * A KRaft cluster of 1 or 3 combined broker+controller nodes on 127.0.0.1 from the same jars:
 * each node has its own directory, broker port and controller port; the voters are static
 * (`controller.quorum.voters=1@…,2@…,3@…`) and every node is formatted with one cluster id.
 * Three nodes replicate with RF 3 and min ISR 2 (internal topics and defaults alike), so acks=all
 * waits for a second copy. Per-node kill (SIGKILL) and start (same ports, same data) serve fault
 * tests; leadership is read with librdkafka's metadata; CPU of the JVMs can be sampled.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describeTopic, type PartitionInfo } from '../../librdkafka/metadata.ts'
import { PATHS } from '../../paths.ts'
import { sampleCpu, type CpuSample } from './cpu.ts'
import { freePort, KafkaSetupError, removeOnExit } from './jvm.ts'
import { KafkaNode } from './node.ts'
import { claimRunDir, sweepStaleRuns } from './stale-runs.ts'
import { describeQuorum, type QuorumState } from './quorum-probe.ts'

export interface ClusterOptions {
  /** nodes, each broker and controller (default 3) */
  brokers?: 1 | 3
  /** broker port of each node (missing or 0: a free port); controller ports are always free ones */
  ports?: number[]
  /** keep the data here across runs (node-1/, node-2/, … for 3 nodes) instead of a fresh dir removed by stop() */
  dataDir?: string
  /** JVM heap per node, MB (default 512 for one node, 384 each for three: 2 cores, 24 GiB shared) */
  heapMb?: number
  /** default partitions of auto-created topics (default 3) */
  partitions?: number
  /** for the whole start, and for each node's restart (default 60 s, 120 s for three nodes) */
  readyTimeoutMs?: number
  /** SIGTERM grace of stop() when the data is kept (default 20 s); a removed data dir is SIGKILLed at once */
  stopGraceMs?: number
  /** server.properties over the defaults, for every node */
  overrides?: Record<string, string>
  /** aborting while the cluster starts kills its JVMs, removes a fresh data dir and rejects */
  signal?: AbortSignal
}

export interface KafkaCluster {
  readonly brokers: number
  /** every node's host:port, comma-separated */
  readonly bootstrap: string
  /** min(3, brokers): what topics of a run should be created with */
  readonly replicationFactor: number
  /** 2 with three nodes, else 1 */
  readonly minIsr: number
  readonly clusterId: string
  readonly dataDir: string
  /** JVM heap of each node, MB (for the report's environment) */
  readonly heapMb: number
  readonly nodes: readonly KafkaNode[]
  node(id: number): KafkaNode
  /** SIGKILL one node's JVM */
  kill(nodeId: number): Promise<void>
  /** restart a stopped node on its ports and data; resolves once it is registered again */
  start(nodeId: number): Promise<void>
  /** orderly shutdown of one node (SIGTERM, SIGKILL after graceMs) */
  stopNode(nodeId: number, graceMs?: number): Promise<void>
  /** stop every node; remove the data dir unless it was given */
  stop(): Promise<void>
  /** the controller quorum as a running broker reports it */
  quorum(): Promise<QuorumState>
  /** leader, replicas and ISR of one partition (librdkafka metadata from a running node) */
  partition(topic: string, partition: number): PartitionInfo
  /** the partition's leader node id, -1 if none */
  leaderOf(topic: string, partition: number): number
  /** CPU ticks of the running JVMs now; see cpuBetween */
  cpuSample(): CpuSample
}

async function distinctFreePorts(count: number, taken: Set<number>): Promise<number[]> {
  const ports: number[] = []
  while (ports.length < count) {
    const port = await freePort()
    if (!taken.has(port)) (taken.add(port), ports.push(port))
  }
  return ports
}

/** One cluster id for all nodes: the one already on disk (kept data dir), else a fresh one. */
function clusterIdOf(nodes: KafkaNode[]): string {
  const onDisk = [...new Set(nodes.map((n) => n.formattedClusterId()).filter((id): id is string => !!id))]
  if (onDisk.length > 1)
    throw new KafkaSetupError(
      `nodes formatted with different cluster ids (${onDisk.join(', ')}): use a fresh --data-dir`,
    )
  return onDisk[0] ?? randomBytes(16).toString('base64url')
}

async function waitForQuorum(nodes: KafkaNode[], deadline: number): Promise<QuorumState> {
  let last = 'no answer yet'
  const voters = nodes.map((n) => n.id)
  while (Date.now() < deadline) {
    for (const node of nodes.filter((n) => n.running)) {
      try {
        const q = await describeQuorum('127.0.0.1', node.port, 2000)
        const ids = q.voters.map((v) => v.id).sort((a, b) => a - b)
        if (q.leaderId >= 0 && voters.every((id) => ids.includes(id))) return q
        last = `leader ${q.leaderId}, voters [${ids.join(', ')}]`
      } catch (error) {
        last = String((error as Error).message ?? error)
      }
    }
    await Bun.sleep(250)
  }
  throw new KafkaSetupError(
    `controller quorum has no leader with voters [${voters.join(', ')}]: ${last}; logs: ${nodes.map((n) => n.logFile).join(' ')}`,
  )
}

export async function startCluster(options: ClusterOptions = {}): Promise<KafkaCluster> {
  const n = options.brokers ?? 3
  if (n !== 1 && n !== 3) throw new KafkaSetupError(`brokers must be 1 or 3, not ${n}`)
  const replicationFactor = Math.min(3, n)
  const minIsr = n >= 3 ? 2 : 1
  const keep = options.dataDir !== undefined
  const readyTimeoutMs = options.readyTimeoutMs ?? (n > 1 ? 120_000 : 60_000)
  const brokerPorts = Array.from({ length: n }, (_, i) => options.ports?.[i] ?? 0)
  const taken = new Set(brokerPorts.filter((p) => p > 0))
  const free = await distinctFreePorts(brokerPorts.filter((p) => p === 0).length + n, taken)
  const ports = brokerPorts.map((p) => p || free.pop()!)
  const controllerPorts = free.splice(0, n)
  // what a dead run left (its dir, a stray JVM) goes before this run adds its own
  sweepStaleRuns()
  const dataDir = options.dataDir ?? join(PATHS.kafkaRuns, `${Date.now()}-${ports[0]}`)
  mkdirSync(dataDir, { recursive: true })
  if (!keep) claimRunDir(dataDir)
  // a fresh dir goes when this process exits, even if nobody calls stop() (a test hook timing out)
  const forget = keep ? () => {} : removeOnExit(dataDir)
  const voters = controllerPorts.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',')
  const heapMb = options.heapMb ?? (n > 1 ? 384 : 512)
  const nodes = ports.map(
    (port, i) =>
      new KafkaNode({
        nodeId: i + 1,
        port,
        controllerPort: controllerPorts[i]!,
        voters,
        dir: n === 1 ? dataDir : join(dataDir, `node-${i + 1}`),
        heapMb,
        partitions: options.partitions ?? 3,
        replicationFactor,
        minIsr,
        overrides: options.overrides,
      }),
  )
  const clusterId = clusterIdOf(nodes)
  for (const node of nodes) node.writeConfig()

  const node = (id: number) => {
    const found = nodes.find((x) => x.id === id)
    if (!found) throw new KafkaSetupError(`no node ${id} (nodes are 1..${n})`)
    return found
  }
  const runningBootstrap = () => {
    const up = nodes.filter((x) => x.running)
    if (up.length === 0) throw new KafkaSetupError('no node is running')
    return up.map((x) => x.bootstrap).join(',')
  }
  let stopped = false
  const cluster: KafkaCluster = {
    brokers: n,
    bootstrap: nodes.map((x) => x.bootstrap).join(','),
    replicationFactor,
    minIsr,
    clusterId,
    dataDir,
    heapMb,
    nodes,
    node,
    kill: (id) => node(id).kill(),
    async start(id) {
      const target = node(id)
      target.writeConfig()
      target.launch()
      await target.waitReady(nodes.filter((x) => x.running).length, Date.now() + readyTimeoutMs)
    },
    stopNode: (id, graceMs = options.stopGraceMs ?? 20_000) => node(id).stop(graceMs),
    async stop() {
      if (stopped) return
      stopped = true
      // removed data needs no orderly shutdown; a kept one gets it, in parallel, bounded
      await Promise.all(nodes.map((x) => x.stop(keep ? (options.stopGraceMs ?? 20_000) : 0)))
      if (!keep) rmSync(dataDir, { recursive: true, force: true })
      forget()
    },
    quorum: () =>
      waitForQuorum(
        nodes.filter((x) => x.running),
        Date.now() + 5000,
      ),
    partition(topic, partition) {
      const found = describeTopic(runningBootstrap(), topic).find((p) => p.id === partition)
      if (!found) throw new KafkaSetupError(`topic ${topic} has no partition ${partition}`)
      return found
    },
    leaderOf(topic, partition) {
      return cluster.partition(topic, partition).leader
    },
    cpuSample: () => sampleCpu(nodes.map((x) => ({ id: x.id, pid: x.pid }))),
  }

  const signal = options.signal
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(new KafkaSetupError('start aborted'))
    if (signal?.aborted) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
  aborted.catch(() => {})
  try {
    await Promise.all(nodes.filter((x) => !x.formattedClusterId()).map((x) => x.format(clusterId)))
    if (signal?.aborted) throw new KafkaSetupError('start aborted')
    for (const x of nodes) x.launch()
    const deadline = Date.now() + readyTimeoutMs
    const ready = async () => {
      await Promise.all(nodes.map((x) => x.waitReady(n, deadline)))
      if (n > 1) await waitForQuorum(nodes, deadline)
    }
    await Promise.race([ready(), aborted])
  } catch (error) {
    stopped = true
    await Promise.all(nodes.map((x) => x.kill()))
    // a failed start keeps the logs its error names; an aborted one leaves nothing behind
    if (signal?.aborted && !keep) rmSync(dataDir, { recursive: true, force: true })
    forget()
    throw error
  }
  return cluster
}
