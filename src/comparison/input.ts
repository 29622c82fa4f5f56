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
  offeredPerSec: number
  deliveredPerSec: number
  /** delivered / offered, 0..1 */
  deliveredFraction: number
  processingP99Us: number
  ackP99Us: number
  pipelineP50Us: number
  pipelineP99Us: number
  pipelineP999Us: number
  rssMaxBytes: number
  cpuUsPerMessage: number
  /** met the sustained rule (absent in reports written before it was recorded) */
  sustained?: boolean
  /** the feed fell behind its own schedule during this step */
  feedBehind?: boolean
}

/** The saturation ladder's outcome (reserved: the ladder itself is built elsewhere). */
export interface LadderResult {
  /** the pipeline p99 a step must stay under to count as kept up */
  boundP99Us: number
  steps: LadderStep[]
  /** per contender, the highest offered rate it sustained (its saturation point); null when no step was */
  saturation: Record<string, number | null>
  /** physical-limit rows (minimal C producer, Kafka's perf tool) on the same broker and settings */
  limits: { name: string; messagesPerSec: number; note: string }[]
}

/** Everything one comparison is made from. */
export interface ComparisonInput {
  /** per round, the reports of that round (one per contender that finished) */
  rounds: Report[][]
  mode: 'concurrent' | 'isolated'
  environment: Environment
  /** the effective producer settings (identical for all, see refuseMismatched) */
  settings: Record<string, string>
  /** the local feed; absent for the live exchange */
  feed?: { rate: number; profile: string; seed: number; markets: number; lagP99Us: number; behind: boolean }
  audit: AuditResult[]
  startedAt: string
  commandLine: string
  /** WARMUP_SECONDS the contenders were given */
  warmupS?: number
  ladder?: LadderResult
}
