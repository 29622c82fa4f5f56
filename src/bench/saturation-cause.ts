/**
 * @module bench/saturation-cause
 * Whose limit a contender's saturation point was, judged at its lowest unsustained probe: its own
 * (its CPU budget was used up, or, with CPU to spare, its latency broke, its backlog grew or it
 * delivered too little) or the rig's (the feed fell behind its schedule, or the broker JVMs used up their
 * cores). The evidence is stated with the figures it rests on, so a reader can disagree.
 */
import type { LadderStep, LimitVerdict } from '../comparison/input.ts'

/**
 * The latency a step is judged by: exchange→ack p99 less the feed's own send lag p99 (a feed
 * behind its schedule is the rig's delay, not the producer's; see rigCapped below).
 * Steps saved before exchange→ack was recorded fall back to pipeline p99.
 */
export function keptUpP99Us(step: Pick<LadderStep, 'exchangeToAckP99Us' | 'pipelineP99Us' | 'feedLagP99Us'>): number {
  if (step.exchangeToAckP99Us === undefined) return step.pipelineP99Us
  return Math.max(0, step.exchangeToAckP99Us - (step.feedLagP99Us ?? 0))
}

/** a budget this full counts as used up */
export const SATURATED = 0.85

/**
 * A step the producer sustained while the feed fell behind its schedule: the producer kept up
 * with all the feed could send, so the step measured the feed, not the producer. Asking for more
 * only pushes the feed further behind; the climb stops there, and what was offered is a lower
 * bound of the producer's saturation point (a rig limit), never the rate that was asked for.
 */
export const rigCapped = (step: Pick<LadderStep, 'sustained' | 'feedBehind'>) =>
  step.sustained === true && step.feedBehind === true

/**
 * A probe is placed by the rate asked of the feed: a producer that cannot keep up stops reading,
 * its sockets fill, and the feed sends it less than asked, so the offered rate of an overloaded
 * probe can sit below rates the same producer sustained.
 */
const asked = (s: LadderStep) => s.askedPerSec ?? s.offeredPerSec
const rate = (x: number) => Math.round(x).toLocaleString('en-US')
const pct = (x: number) => `${(100 * x).toFixed(2)} %`
const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`
/** the p99 the step was judged by, named (steps saved before exchange→ack was recorded show pipeline p99) */
const p99 = (s: LadderStep) =>
  s.exchangeToAckP99Us === undefined
    ? `p99 ${ms(s.pipelineP99Us)}`
    : `exchange→ack p99 ${ms(s.exchangeToAckP99Us)}, pipeline p99 ${ms(s.pipelineP99Us)}`

export function judgeLimit(
  steps: LadderStep[],
  contenderCores: number,
  boundP99Us: number,
  rigCores = 1,
): LimitVerdict {
  const capped = steps.filter(rigCapped)
  const failed = steps.filter((s) => s.sustained === false).sort((a, b) => asked(a) - asked(b))[0]
  const top = capped.sort((a, b) => b.offeredPerSec - a.offeredPerSec)[0]
  if (top && (!failed || failed.offeredPerSec > top.offeredPerSec)) {
    const cores = top.coresUsed ?? 0
    return {
      kind: 'rig',
      lowerBound: true,
      evidence:
        `the feed could send no more than ${rate(top.offeredPerSec)} msg/s (behind its schedule, send lag p99 ${ms(top.feedLagP99Us ?? 0)}); ` +
        `the producer delivered ${pct(top.deliveredFraction)} of it with ${p99(top)}, using ${cores.toFixed(2)} of ${contenderCores} core${contenderCores === 1 ? '' : 's'}: its own limit is higher`,
    }
  }
  if (!failed) {
    const top = Math.max(0, ...steps.map((s) => s.offeredPerSec))
    return {
      kind: 'not reached',
      evidence: `sustained every offered rate up to ${rate(top)} msg/s`,
    }
  }
  const held = asked(failed) > 1.05 * failed.offeredPerSec ? ` of ${rate(asked(failed))} asked` : ''
  const grew = failed.backlogGrowthMs === undefined ? '' : `, backlog grew ${failed.backlogGrowthMs.toFixed(1)} ms`
  const at = `at ${rate(failed.offeredPerSec)} msg/s offered${held} (${pct(failed.deliveredFraction)} delivered, ${p99(failed)}${grew})`
  const rig: string[] = []
  if (failed.feedBehind) rig.push(`the feed fell behind its schedule (send lag p99 ${ms(failed.feedLagP99Us ?? 0)})`)
  if ((failed.brokerCores ?? 0) >= SATURATED * rigCores)
    rig.push(`the broker JVMs used ${(failed.brokerCores ?? 0).toFixed(2)} cores`)
  const cores = failed.coresUsed ?? 0
  const cpuFull = cores >= SATURATED * contenderCores
  const spare = `with CPU to spare (${cores.toFixed(2)} of ${contenderCores})`
  // a probe fails on latency or on the share delivered: name the one that failed it
  const own = cpuFull
    ? `its CPU was used up (${cores.toFixed(2)} of its ${contenderCores} core${contenderCores === 1 ? '' : 's'})`
    : keptUpP99Us(failed) > boundP99Us
      ? `its latency broke (p99 over the ${ms(boundP99Us)} bound) ${spare}`
      : (failed.backlogGrowthMs ?? 0) * 1000 > boundP99Us
        ? `it fell behind the feed (its backlog grew by more than the ${ms(boundP99Us)} bound), its p99 within it, ${spare}`
        : `it delivered too little of the offer, its p99 within the ${ms(boundP99Us)} bound, ${spare}`
  if (cpuFull) return { kind: 'own', evidence: `${at}: ${own}${rig.length > 0 ? `; also ${rig.join(', ')}` : ''}` }
  if (rig.length > 0)
    return {
      kind: 'rig',
      evidence: `${at}: ${rig.join(', ')}; the producer used ${cores.toFixed(2)} of ${contenderCores} core${contenderCores === 1 ? '' : 's'}`,
    }
  return { kind: 'own', evidence: `${at}: ${own}` }
}
