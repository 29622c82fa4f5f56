/**
 * @module bench/broker/serve
 * `bun run kafka`: a 1- or 3-node KRaft cluster on 127.0.0.1 until a signal. SIGINT, SIGTERM and
 * SIGHUP (a closed terminal) stop every JVM and remove the data dirs this run created (a
 * --data-dir is kept), also while the cluster is still starting. Failures print one line.
 * scripts/kafka.ts parses the flags (./flags.ts) and calls `serveKafka`.
 */
import { startCluster, type KafkaCluster } from './cluster.ts'
import type { KafkaFlags } from './flags.ts'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** Starts the cluster, prints how to reach it, and stops it on a signal; resolves once stopped. */
export async function serveKafka(flags: KafkaFlags, out: (line: string) => void = console.log): Promise<void> {
  const abort = new AbortController()
  let cluster: KafkaCluster | undefined
  let stopping: Promise<void> | undefined
  let resolveStopped!: () => void
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve))
  const onSignal = (signal: string) => {
    if (stopping) return
    out(`${signal}: stopping kafka ...`)
    abort.abort()
    stopping = (cluster ? cluster.stop() : Promise.resolve()).then(resolveStopped)
  }
  for (const s of SIGNALS) process.on(s, onSignal)
  try {
    const n = flags.brokers
    const t0 = performance.now()
    try {
      cluster = await startCluster({
        brokers: n,
        ports: flags.port ? Array.from({ length: n }, (_, i) => flags.port + i) : undefined,
        dataDir: flags['data-dir'],
        heapMb: flags['heap-mb'],
        partitions: flags.partitions,
        signal: abort.signal,
      })
    } catch (error) {
      if (abort.signal.aborted) return await stopped
      throw error
    }
    if (abort.signal.aborted) {
      // a signal landed between the last readiness check and here
      await cluster.stop()
      return
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1)
    out(`kafka ready in ${seconds} s: ${cluster.bootstrap}`)
    out(
      `  ${n} node(s), replication factor ${cluster.replicationFactor}, min.insync.replicas ${cluster.minIsr}, cluster id ${cluster.clusterId}`,
    )
    for (const node of cluster.nodes)
      out(
        `  node ${node.id}: broker ${node.bootstrap}, controller :${node.controllerPort}, pid ${node.pid}, log ${node.logFile}`,
      )
    out(`  data: ${cluster.dataDir}${flags['data-dir'] ? ' (kept)' : ' (removed on exit)'}`)
    out('  Ctrl-C stops it')
    await stopped
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal)
  }
}
