/**
 * @module bench/ladder
 * The saturation ladder (isolated): for each contender, step the local feed's offered rate up,
 * one fresh run per step, and record what it delivered and at what latency. A step is sustained
 * when the contender delivers at least 99.9 % of what the feed offered it during the window and
 * its pipeline p99 stays under the bound; the saturation point is the highest sustained step, and
 * a contender stops at its first unsustained step (past its saturation point).
 *
 * "Offered" is counted by the feed itself (messages published to the contender's subscriptions
 * between the window's start and end events), so a feed that could not hold the rate lowers the
 * offer instead of being charged to the contender; the feed's lag flags such steps.
 */
import { join } from 'node:path'
import { createTopic } from '../librdkafka/admin.ts'
import type { LadderResult, LadderStep } from '../comparison/compare.ts'
import type { Contender, Report } from '../contract/report.ts'
import type { Feed } from '../feed/server.ts'
import { runRound } from './round.ts'

export const SUSTAINED_FRACTION = 0.999

export interface LadderOptions {
  contenders: Contender[]
  rates: number[]
  stepDurationS: number
  /** pipeline p99 a sustained step stays under, µs */
  boundP99Us: number
  bootstrap: string
  feed: Feed
  /** env every contender gets besides broker, feed, duration (markets limit, pacing) */
  env: Record<string, string>
  dir: string
  partitions: number
  readyTimeoutMs: number
  warmupS: number
  connectIntervalMs: number
  runId: string
  onStep?: (step: LadderStep & { sustained: boolean; feedBehind: boolean }) => void
}

export interface LadderStepResult extends LadderStep {
  sustained: boolean
  /** the feed's own lag says it did not hold the schedule during this step */
  feedBehind: boolean
  report: Report
}

export function isSustained(step: Pick<LadderStep, 'deliveredFraction' | 'pipelineP99Us'>, boundP99Us: number): boolean {
  return step.deliveredFraction >= SUSTAINED_FRACTION && step.pipelineP99Us <= boundP99Us
}

export function stepFigures(contender: Contender, report: Report, offeredMessages: number): LadderStep {
  const seconds = report.timing.measuredDurationMs / 1000
  const delivered = report.messages.delivered
  return {
    contender,
    offeredPerSec: seconds > 0 ? offeredMessages / seconds : 0,
    deliveredPerSec: report.throughput.deliveredPerSec,
    deliveredFraction: offeredMessages > 0 ? Math.min(delivered / offeredMessages, 1) : 0,
    processingP99Us: report.latency.processing.p99Us,
    ackP99Us: report.latency.kafkaAck.p99Us,
    pipelineP50Us: report.latency.pipeline.p50Us,
    pipelineP99Us: report.latency.pipeline.p99Us,
    pipelineP999Us: report.latency.pipeline.p999Us,
    rssMaxBytes: report.memory.rssBytes.max,
    cpuUsPerMessage: report.cpu.usPerDeliveredMessage,
  }
}

export async function runLadder(o: LadderOptions): Promise<{ result: LadderResult; steps: LadderStepResult[]; failures: string[] }> {
  const steps: LadderStepResult[] = []
  const saturation: Record<string, number | null> = {}
  const failures: string[] = []
  for (const contender of o.contenders) {
    saturation[contender] = null
    for (const rate of o.rates) {
      o.feed.setRate(rate)
      const topic = `upbit-ladder-${o.runId}-${contender}-${rate}`
      await createTopic(o.bootstrap, topic, o.partitions, { existingOk: false })
      let sentInWindow = 0
      let feedBehind = false
      const [result] = await runRound({
        contenders: [contender],
        env: { ...o.env, TEST_DURATION: String(o.stepDurationS) },
        topicFor: () => topic,
        dir: join(o.dir, `${contender}-${rate}`),
        readyTimeoutMs: o.readyTimeoutMs,
        warmupS: o.warmupS,
        connectIntervalMs: o.connectIntervalMs,
        onEvent: (_, event) => {
          // counts and lag over this step's window only
          if (event.event === 'start') o.feed.resetCounts()
          if (event.event === 'end') {
            const stats = o.feed.stats()
            sentInWindow = stats.sent.messages
            feedBehind = stats.behind
          }
        },
      })
      if (!result?.report) {
        failures.push(`ladder ${contender} at ${rate} msg/s: ${result?.error ?? 'no result'}`)
        break
      }
      const figures = stepFigures(contender, result.report, sentInWindow)
      const sustained = isSustained(figures, o.boundP99Us)
      const step = { ...figures, sustained, feedBehind, report: result.report }
      steps.push(step)
      o.onStep?.(step)
      if (!sustained) break
      saturation[contender] = rate
    }
  }
  return { result: { boundP99Us: o.boundP99Us, steps: steps.map(({ report: _r, ...s }) => s), saturation, limits: [] }, steps, failures }
}
