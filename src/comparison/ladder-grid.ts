/**
 * @module comparison/ladder-grid
 * The runtime × tier grid of a ladder. A ladder's side-by-side reports are each contender's
 * highest sustained step: one run each, every contender at its own rate, so their CPU and latency
 * compare different loads. The grid of a ladder is built instead from what the ladder measured
 * alike for every contender, round by round: the saturation point, and CPU per message and RSS
 * max at the list's first rate (the step every round probes); CPU at saturation is shown against
 * the floor at that rate. The glue share (grid-section) and the verdicts per tier rest on those
 * per-round figures.
 */
import type { Contender } from '../contract/report.ts'
import type { LadderResult } from './input.ts'
import { cpuCell, floorAt, saturationCell, stepNear } from './ladder-section.ts'
import { NOISE } from './metrics.ts'
import { formatSpread, formatValue, spreadOf, UNITS } from './spread.ts'
import { verdictOn } from './verdict-section.ts'

export interface LadderFigures {
  /** the rate every round probes first (the list's first), msg/s */
  rate: number
  /** saturation point per round, msg/s */
  saturation: number[]
  /** CPU per message and RSS max at the first rate, per round */
  cpuAtFirst: number[]
  rssAtFirst: number[]
}

export function ladderFigures(ladder: LadderResult, c: Contender): LadderFigures {
  const rate = Math.min(...ladder.steps.map((s) => s.askedPerSec ?? s.offeredPerSec))
  const first = ladder.steps.filter(
    (s) =>
      s.contender === c &&
      s.probe !== 'bisect' &&
      s.sustained !== false &&
      Math.abs((s.askedPerSec ?? s.offeredPerSec) - rate) / rate < 0.15,
  )
  return {
    rate,
    saturation: (ladder.saturationByRound?.[c] ?? []).filter((x): x is number => x !== null),
    cpuAtFirst: first.map((s) => s.cpuUsPerMessage),
    rssAtFirst: first.map((s) => s.rssMaxBytes),
  }
}

export function ladderCell(ladder: LadderResult, c: Contender): string {
  const f = ladderFigures(ladder, c)
  const floor = floorAt(ladder.floor, f.rate)
  const cpu = spreadOf(f.cpuAtFirst)
  const at = ladder.saturation[c]
  return (
    `**${c}**: saturation ${saturationCell(ladder, c)}; at ${formatValue(f.rate, UNITS.rate)}: CPU ${formatSpread(cpu, UNITS.usPerMessage)}` +
    (cpu && floor?.cpuUsPerMessage ? ` (×${(cpu.median / floor.cpuUsPerMessage).toFixed(2)} floor)` : '') +
    `, RSS max ${formatSpread(spreadOf(f.rssAtFirst), UNITS.megabytes)}` +
    (at == null ? '' : `; CPU at saturation ${cpuCell(stepNear(ladder.steps, c, at), floorAt(ladder.floor, at))}`)
  )
}

const LADDER_METRICS = [
  {
    label: 'saturation point',
    get: (f: LadderFigures) => f.saturation,
    better: 'higher',
    threshold: NOISE.throughput,
    verdict: 'higher',
  },
  {
    label: 'CPU per message at the first rate',
    get: (f: LadderFigures) => f.cpuAtFirst,
    better: 'lower',
    threshold: NOISE.resources,
    verdict: 'cheaper',
  },
  {
    label: 'RSS max at the first rate',
    get: (f: LadderFigures) => f.rssAtFirst,
    better: 'lower',
    threshold: NOISE.resources,
    verdict: 'leaner',
  },
] as const

/** rows of the per-tier verdicts: each ladder metric among the contenders of each tier that raced two */
export function ladderTierRows(ladder: LadderResult, tiers: Map<string, Contender[]>): string[][] {
  return LADDER_METRICS.flatMap((m) =>
    [...tiers]
      .filter(([, cs]) => cs.length >= 2)
      .map(([tier, cs]) => [
        `Ladder: ${m.label}`,
        tier,
        verdictOn(m, new Map(cs.map((c) => [c, m.get(ladderFigures(ladder, c))]))),
      ]),
  )
}
