/**
 * @module bench/ladder
 * The saturation ladder (isolated): for each contender, step the local feed's offered rate up,
 * one fresh run per step, until a step is not sustained; then bisect between the last sustained
 * and the first failed rate until they are within BISECT_TOLERANCE. A step is sustained when the
 * contender kept up with the feed: its exchange→ack p99 (from each frame's intended send time, so
 * the time a frame waited in the socket before the producer read it counts) stays under the bound
 * once the feed's own send lag is taken off, its backlog grew by no more than the bound's worth of
 * the feed over the window, and it delivered at least 99.9 % of the frames it read. The share of
 * the feed's offer delivered within the window is shown but does not decide: frames in flight at
 * the window's edges move it by more than 0.1 % at high rates, whether or not the producer kept up.
 * Repeated over rounds, the saturation point carries its noise. Rounds after the first search from
 * a bracket around the contender's last point (bracketRates): the same rule and the same 5 %, in
 * about half the steps, which is what lets twelve contenders fit a 3-round ladder.
 *
 * "Offered" is counted by the feed itself (messages published to the contender's subscriptions
 * between the window's start and end events), so a feed that could not hold the rate lowers the
 * offer instead of being charged to the contender; the feed's lag flags such steps. The CPU of the
 * contender and of the broker JVMs is recorded per step, so the first unsustained probe says
 * whose limit it was (limits.ts).
 */
import { join } from 'node:path'
import type { LadderResult, LadderStep } from '../comparison/input.ts'
import type { Contender, Report } from '../contract/report.ts'
import type { Feed } from '../feed/server.ts'
import { createTopic } from '../librdkafka/admin.ts'
import { kafkaJvmPids, startCpuSample } from './cpu-sample.ts'
import { judgeLimit, keptUpP99Us, rigCapped } from './saturation-cause.ts'
import { runRound } from './round.ts'

export const SUSTAINED_FRACTION = 0.999
/** bisection stops when the failed and the sustained rate are within 5 % of the failed one */
export const BISECT_TOLERANCE = 0.05
/**
 * After a contender's first round, its next rounds start from a bracket around its last
 * saturation point (this far below and above it, then up by this factor while steps hold) instead
 * of climbing the whole list again: the same search to the same 5 %, in about half the steps.
 */
export const BRACKET_FACTOR = 1.1
/** growths by BRACKET_FACTOR that reach at least one doubling (8 at 1.1) */
const GROWTHS_PER_DOUBLING = Math.ceil(Math.log(2) / Math.log(BRACKET_FACTOR))

export interface LadderOptions {
  contenders: Contender[]
  rates: number[]
  /** how many times the last rate may double past the list while every step holds */
  doublings: number
  rounds: number
  stepDurationS: number
  /** exchange→ack p99 (net of the feed's lag) and backlog growth a sustained step stays under, µs */
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
  /** the contender's command prefix (CPU pinning) and its CPU budget in cores */
  commandPrefix?: string[]
  contenderCores: number
  onStep?: (step: LadderStepResult) => void
}

export interface LadderStepResult extends LadderStep {
  sustained: boolean
  feedBehind: boolean
  report: Report
}

/** Whether the producer kept up with the feed during the step (the module's comment says why this rule). */
export function isSustained(
  step: Pick<LadderStep, 'exchangeToAckP99Us' | 'pipelineP99Us' | 'feedLagP99Us'> &
    Required<Pick<LadderStep, 'backlogGrowthMs' | 'readDeliveredFraction'>>,
  boundP99Us: number,
): boolean {
  return (
    keptUpP99Us(step) <= boundP99Us &&
    step.backlogGrowthMs * 1000 <= boundP99Us &&
    step.readDeliveredFraction >= SUSTAINED_FRACTION
  )
}

export function stepFigures(
  contender: Contender,
  report: Report,
  offeredMessages: number,
): LadderStep & Required<Pick<LadderStep, 'exchangeToAckP99Us' | 'backlogGrowthMs' | 'readDeliveredFraction'>> {
  const seconds = report.timing.measuredDurationMs / 1000
  const delivered = report.messages.delivered
  const received = report.messages.received
  const offeredPerSec = seconds > 0 ? offeredMessages / seconds : 0
  // frames the feed sent in the window that the producer had not read in it: a steady lag shifts
  // the window without changing the count, so this is how much the backlog grew
  const unread = Math.max(0, offeredMessages - received)
  return {
    contender,
    offeredPerSec,
    deliveredPerSec: report.throughput.deliveredPerSec,
    deliveredFraction: offeredMessages > 0 ? Math.min(delivered / offeredMessages, 1) : 0,
    processingP99Us: report.latency.processing.p99Us,
    ackP99Us: report.latency.kafkaAck.p99Us,
    pipelineP50Us: report.latency.pipeline.p50Us,
    pipelineP99Us: report.latency.pipeline.p99Us,
    pipelineP999Us: report.latency.pipeline.p999Us,
    exchangeToAckP99Us: report.latency.exchangeToAck.p99Us,
    backlogGrowthMs: offeredPerSec > 0 ? (1000 * unread) / offeredPerSec : 0,
    readDeliveredFraction: received > 0 ? Math.min(delivered / received, 1) : 0,
    rssMaxBytes: report.memory.rssBytes.max,
    cpuUsPerMessage: report.cpu.usPerDeliveredMessage,
    coresUsed: report.cpu.coresUsed,
    msgPerCore: report.cpu.coresUsed > 0 ? report.throughput.deliveredPerSec / report.cpu.coresUsed : 0,
  }
}

/** The next rate to probe between a sustained `lo` and a failed `hi`, or undefined when close enough. */
export function bisectNext(lo: number, hi: number): number | undefined {
  if ((hi - lo) / hi <= BISECT_TOLERANCE) return undefined
  return Math.round((lo + hi) / 2)
}

async function runStep(
  o: LadderOptions,
  contender: Contender,
  rate: number,
  round: number,
  probe: LadderStep['probe'],
): Promise<LadderStepResult | string> {
  o.feed.setRate(rate)
  const topic = `upbit-ladder-${o.runId}-r${round}-${contender}-${rate}`
  await createTopic(o.bootstrap, topic, o.partitions, { existingOk: false })
  let sentInWindow = 0
  let feedBehind = false
  let feedLagP99Us = 0
  let broker: { stop(): number } | undefined
  let brokerCores = 0
  const [result] = await runRound({
    contenders: [contender],
    env: { ...o.env, TEST_DURATION: String(o.stepDurationS) },
    topicFor: () => topic,
    dir: join(o.dir, `r${round}`, `${contender}-${rate}`),
    readyTimeoutMs: o.readyTimeoutMs,
    warmupS: o.warmupS,
    connectIntervalMs: o.connectIntervalMs,
    commandPrefix: o.commandPrefix,
    onEvent: (_, event) => {
      // counts, lag and broker CPU over this step's window only
      if (event.event === 'start') {
        o.feed.resetCounts()
        broker = startCpuSample(kafkaJvmPids())
      }
      if (event.event === 'end') {
        const stats = o.feed.stats()
        sentInWindow = stats.sent.messages
        feedBehind = stats.behind
        feedLagP99Us = stats.lag.p99Us
        brokerCores = broker?.stop() ?? 0
      }
    },
  })
  if (!result?.report) return `ladder ${contender} at ${rate} msg/s (round ${round}): ${result?.error ?? 'no result'}`
  const figures = { ...stepFigures(contender, result.report, sentInWindow), feedLagP99Us }
  const step: LadderStepResult = {
    ...figures,
    askedPerSec: rate,
    sustained: isSustained(figures, o.boundP99Us),
    feedBehind,
    brokerCores,
    round,
    probe,
    report: result.report,
  }
  o.onStep?.(step)
  return step
}

type Probe = (rate: number, kind: LadderStep['probe']) => Promise<LadderStepResult | string>

/**
 * One contender, one round: the coarse steps, then the bisection. A list whose every step was
 * sustained has not found the saturation point, so the climb goes on doubling the last rate, at
 * most `doublings` times (a rig-capped step, the feed falling behind, stops it sooner). Returns the saturation point: the highest sustained rate, null when not even
 * the first step held.
 */
export async function searchSaturation(
  rates: number[],
  probe: Probe,
  steps: LadderStepResult[],
  failures: string[],
  doublings: number,
  growth = 2,
): Promise<number | null> {
  let lo: number | null = null
  let hi: number | undefined
  const coarse = [...rates]
  for (let i = 0; i < coarse.length && hi === undefined; i++) {
    const rate = coarse[i]!
    const step = await probe(rate, 'step')
    if (typeof step === 'string') return (failures.push(step), lo)
    steps.push(step)
    if (rigCapped(step)) return Math.max(lo ?? 0, Math.floor(step.offeredPerSec))
    if (!step.sustained) hi = rate
    else {
      lo = rate
      if (i === coarse.length - 1 && coarse.length < rates.length + doublings) coarse.push(Math.round(rate * growth))
    }
  }
  if (lo === null || hi === undefined) return lo
  for (let rate = bisectNext(lo, hi); rate !== undefined; rate = bisectNext(lo, hi)) {
    const step = await probe(rate, 'bisect')
    if (typeof step === 'string') return (failures.push(step), lo)
    steps.push(step)
    if (rigCapped(step)) return Math.max(lo, Math.floor(step.offeredPerSec))
    if (step.sustained) lo = rate
    else hi = rate
  }
  return lo
}

/**
 * The steps a later round climbs: the list's first rate (its CPU figure is read at every round),
 * then the last saturation point's bracket. A bracket that misses (its low end fails, or every
 * step holds) widens as the full search would: bisection down to the first rate, or growth by
 * BRACKET_FACTOR, so the answer does not depend on the hint, only the steps it takes.
 */
export function bracketRates(first: number, hint: number): number[] {
  const low = Math.round(hint / BRACKET_FACTOR)
  const high = Math.round(hint * BRACKET_FACTOR)
  return [first, ...[low, high].filter((r) => r > first)]
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? null : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

export async function runLadder(
  o: LadderOptions,
): Promise<{ result: LadderResult; steps: LadderStepResult[]; failures: string[] }> {
  const steps: LadderStepResult[] = []
  const failures: string[] = []
  const byRound: Record<string, (number | null)[]> = {}
  for (let round = 1; round <= o.rounds; round++) {
    for (const contender of o.contenders) {
      const hint = (byRound[contender] ?? []).findLast((x): x is number => x !== null)
      const rates = hint === undefined ? o.rates : bracketRates(o.rates[0]!, hint)
      // a bracket grows past its top by BRACKET_FACTOR, as far as the full list's doublings would reach
      const doublings = hint === undefined ? o.doublings : GROWTHS_PER_DOUBLING * Math.max(1, o.doublings)
      ;(byRound[contender] ??= []).push(
        await searchSaturation(
          rates,
          (rate, kind) => runStep(o, contender, rate, round, kind),
          steps,
          failures,
          doublings,
          hint === undefined ? 2 : BRACKET_FACTOR,
        ),
      )
    }
  }
  const saturation = Object.fromEntries(
    o.contenders.map((c) => [c, median(byRound[c]!.filter((x): x is number => x !== null))]),
  )
  const limitVerdicts = Object.fromEntries(
    o.contenders.map((c) => [
      c,
      judgeLimit(
        steps.filter((s) => s.contender === c),
        o.contenderCores,
        o.boundP99Us,
      ),
    ]),
  )
  return {
    result: {
      boundP99Us: o.boundP99Us,
      steps: steps.map(({ report: _r, ...s }) => s),
      saturation,
      saturationByRound: byRound,
      limitVerdicts,
      limits: [],
    },
    steps,
    failures,
  }
}
