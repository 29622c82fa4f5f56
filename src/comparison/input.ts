/**
 * @module comparison/input
 * What the bench hands to the comparison and the charts (also saved as
 * reports/performance_comparison_input.json, so a comparison can be re-rendered later).
 */
import type { AuditResult } from '../bench/audit.ts'
import type { Environment } from '../bench/environment.ts'
import type { Report } from '../contract/report.ts'

/** One step of the saturation ladder: one contender at one offered rate. */
export interface LadderStep {
  contender: string
  /** the rate the feed was asked for (absent in reports written before it was recorded) */
  askedPerSec?: number
  /** what the feed sent the contender: below the ask when the contender's reads held it back */
  offeredPerSec: number
  deliveredPerSec: number
  /** delivered / offered, 0..1 */
  deliveredFraction: number
  processingP99Us: number
  ackP99Us: number
  pipelineP50Us: number
  pipelineP99Us: number
  pipelineP999Us: number
  /** the feed's intended send time → ack, p99 (absent in reports written before it was recorded) */
  exchangeToAckP99Us?: number
  /**
   * how far the producer's backlog grew over the window: the feed's offer it had not read by the
   * window's end, in milliseconds of the offered rate (absent in older reports)
   */
  backlogGrowthMs?: number
  /** delivered ÷ frames the producer read in its window, 0..1 (absent in older reports) */
  readDeliveredFraction?: number
  rssMaxBytes: number
  cpuUsPerMessage: number
  /** met the sustained rule (absent in reports written before it was recorded) */
  sustained?: boolean
  /** the feed fell behind its own schedule during this step */
  feedBehind?: boolean
  /** 1-based round; absent means 1 */
  round?: number
  /** a step of the coarse list, or a probe of the bisection between two of them */
  probe?: 'step' | 'bisect'
  /** the contender's CPU over the window, in cores (1.0 = one core busy) */
  coresUsed?: number
  /** delivered ÷ cores used: carries over to machines with more cores */
  msgPerCore?: number
  /** CPU of every Kafka JVM over the window, in cores */
  brokerCores?: number
  /** the feed's own send lag p99 over the window, µs */
  feedLagP99Us?: number
}

/** Whether a contender's saturation was its own limit or the rig's, with the evidence. */
export interface LimitVerdict {
  kind: 'own' | 'rig' | 'not reached'
  evidence: string
  /** the producer kept up with all the rig could offer: its saturation point is at least this */
  lowerBound?: boolean
}

/** librdkafka alone (the paced C producer) at one rate: the floor every contender is held to. */
export interface FloorRow {
  ratePerSec: number
  cpuUsPerMessage: number
  ackP50Us: number
  ackP99Us: number
  /** due time → ack: what the contenders' pipeline latency compares with */
  dueToAckP99Us: number
  /** the C producer's peak RSS (absent in inputs saved before it was recorded) */
  rssMaxBytes?: number
  delivered: number
  behind: boolean
}

/** The saturation ladder's outcome (reserved: the ladder itself is built elsewhere). */
export interface LadderResult {
  /**
   * the bound a step must stay under to count as kept up: exchange→ack p99 (net of the feed's own
   * send lag) and the backlog's growth, µs (pipeline p99 in ladders run before the rule changed)
   */
  boundP99Us: number
  steps: LadderStep[]
  /** per contender, the highest offered rate it sustained (its saturation point; the median over rounds); null when no step was */
  saturation: Record<string, number | null>
  /** per contender, the saturation point of each round */
  saturationByRound?: Record<string, (number | null)[]>
  /** per contender, own limit or the rig's, judged at the first unsustained probe */
  limitVerdicts?: Record<string, LimitVerdict>
  /** how the contender's CPU was isolated from the rig */
  pinning?: string
  /** the paced C floor at the rates the ladder measured */
  floor?: FloorRow[]
  /** physical-limit rows (minimal C producer, Kafka's perf tool) on the same broker and settings */
  limits: { name: string; messagesPerSec: number; note: string }[]
}

/** The Kafka a run used: what acks=all means there, and what the brokers cost on this machine. */
export interface BrokerFacts {
  brokers: number
  replicationFactor: number
  minIsr: number
  /** KAFKA_BOOTSTRAP_SERVERS named it (nothing started, nothing known of its machine) */
  external: boolean
  /** JVM heap per node, MB (embedded only) */
  heapMb?: number
  /** CPU every Kafka JVM used during each group's window, in cores (embedded only) */
  cores?: number[]
}

/** A contender's registry entry as it ran (the runtime version is the one its report gave). */
export interface ContenderProvenance {
  name: string
  /** runtime name and version */
  runtime: string
  websocket: string
  binding: string
  tier: string
  glue: string
}

/** What a run was made from (src/bench/provenance.ts). */
export interface Provenance {
  /** the project's git commit at the run's start, or 'unknown' (no git, no repository) */
  commit: string
  /** uncommitted changes in the tree (`git status --porcelain` not empty) */
  dirty: boolean | 'unknown'
  /** the command line as typed, secrets redacted */
  commandLine: string
  contenders: ContenderProvenance[]
}

/** Everything one comparison is made from. */
export interface ComparisonInput {
  /** per round, the reports of that round (one per contender that finished) */
  rounds: Report[][]
  mode: 'concurrent' | 'isolated'
  /**
   * per round, the order the contenders were started in (concurrent) or ran in (isolated),
   * rotating by round (absent in inputs saved before it was recorded, and for the ladder)
   */
  order?: string[][]
  environment: Environment
  /** the effective producer settings (identical for all, see refuseMismatched) */
  settings: Record<string, string>
  /** the local feed; absent for the live exchange (seed absent when it played a recording) */
  feed?: { rate: number; profile: string; seed?: number; markets: number; lagP99Us: number; behind: boolean }
  audit: AuditResult[]
  startedAt: string
  /** the command line, secrets redacted */
  commandLine: string
  /** commit, tree state, command line and contenders' registry entries (absent in inputs saved before it was recorded) */
  provenance?: Provenance
  /** WARMUP_SECONDS the contenders were given */
  warmupS?: number
  /** librdkafka alone at the race's rate (the paced C producer) */
  floor?: FloorRow
  broker?: BrokerFacts
  ladder?: LadderResult
  /** share of all the machine's cores busy over each round's window, 0..1 (absent before it was recorded) */
  machineBusy?: number[]
}
