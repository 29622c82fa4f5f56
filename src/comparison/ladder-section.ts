/**
 * @module comparison/ladder-section
 * The saturation ladder's section: each contender's saturation point (median and range over
 * rounds) with whose limit it was and the evidence, as a share of every physical limit measured on
 * the same machine; CPU per message at 2,000 msg/s and at saturation against the bare-C floor;
 * every step's figures; the limit rows.
 */
import type { FloorRow, LadderResult, LadderStep } from './input.ts'
import { table } from './markdown.ts'
import { formatSpread, formatValue, spreadOf, UNITS } from './spread.ts'

export function saturationCell(ladder: LadderResult, c: string): string {
  const rounds = (ladder.saturationByRound?.[c] ?? []).filter((x): x is number => x !== null)
  const atLeast = ladder.limitVerdicts?.[c]?.lowerBound ? '≥ ' : ''
  if (rounds.length === 0)
    return ladder.saturation[c] == null
      ? 'none (not even the first step)'
      : atLeast + formatValue(ladder.saturation[c]!, UNITS.rate)
  return atLeast + formatSpread(spreadOf(rounds), UNITS.rate)
}

/** The sustained step nearest to `rate` of a contender (the median-round one when several). */
export function stepNear(steps: LadderStep[], c: string, rate: number): LadderStep | undefined {
  const near = steps.filter(
    (s) => s.contender === c && s.sustained !== false && Math.abs(s.offeredPerSec - rate) / rate < 0.15,
  )
  return near.sort((a, b) => a.cpuUsPerMessage - b.cpuUsPerMessage)[near.length >> 1]
}

export function floorAt(floor: FloorRow[] | undefined, rate: number): FloorRow | undefined {
  return floor
    ?.filter((f) => f.ratePerSec > 0)
    .sort((a, b) => Math.abs(a.ratePerSec - rate) - Math.abs(b.ratePerSec - rate))[0]
}

export function cpuCell(step: LadderStep | undefined, floor: FloorRow | undefined): string {
  if (!step) return '—'
  const text = formatValue(step.cpuUsPerMessage, UNITS.usPerMessage)
  return floor && floor.cpuUsPerMessage > 0
    ? `${text} (×${(step.cpuUsPerMessage / floor.cpuUsPerMessage).toFixed(2)} floor)`
    : text
}

function stepRow(s: LadderStep): string[] {
  return [
    s.contender,
    String(s.round ?? 1),
    s.probe === 'bisect' ? 'bisect' : 'step',
    formatValue(s.offeredPerSec, UNITS.rate),
    formatValue(s.deliveredPerSec, UNITS.rate),
    // two decimals: the sustained threshold is 99.9 %, one decimal would round 99.96 % up to 100.0 %
    `${(100 * s.deliveredFraction).toFixed(2)} %`,
    s.exchangeToAckP99Us === undefined ? '—' : formatValue(s.exchangeToAckP99Us, UNITS.latency),
    s.backlogGrowthMs === undefined ? '—' : formatValue(s.backlogGrowthMs, UNITS.ms),
    formatValue(s.ackP99Us, UNITS.latency),
    formatValue(s.pipelineP50Us, UNITS.latency),
    formatValue(s.pipelineP99Us, UNITS.latency),
    formatValue(s.rssMaxBytes, UNITS.megabytes),
    formatValue(s.cpuUsPerMessage, UNITS.usPerMessage),
    s.coresUsed === undefined ? '—' : s.coresUsed.toFixed(2),
    s.msgPerCore ? formatValue(s.msgPerCore, UNITS.rate) : '—',
    s.brokerCores === undefined ? '—' : s.brokerCores.toFixed(2),
    s.sustained === undefined ? '' : s.sustained ? 'yes' : 'no',
    s.feedBehind ? 'feed behind' : '',
  ]
}

export function ladderSection(ladder: LadderResult): string {
  const contenders = Object.keys(ladder.saturation)
  const saturation = contenders.map((c) => {
    const rate = ladder.saturation[c]
    const verdict = ladder.limitVerdicts?.[c]
    const at = rate == null ? undefined : stepNear(ladder.steps, c, rate)
    return [
      c,
      saturationCell(ladder, c),
      verdict ? `${verdict.kind}: ${verdict.evidence}` : '—',
      cpuCell(stepNear(ladder.steps, c, 2000), floorAt(ladder.floor, 2000)),
      rate == null ? '—' : cpuCell(at, floorAt(ladder.floor, rate)),
      at?.msgPerCore ? formatValue(at.msgPerCore, UNITS.rate) : '—',
      ...ladder.limits.map((l) =>
        rate == null || l.messagesPerSec <= 0 ? '—' : `${((100 * rate) / l.messagesPerSec).toFixed(0)} %`,
      ),
    ]
  })
  const floor = (ladder.floor ?? []).map((f) => [
    formatValue(f.ratePerSec, UNITS.rate),
    formatValue(f.cpuUsPerMessage, UNITS.usPerMessage),
    formatValue(f.ackP50Us, UNITS.latency),
    formatValue(f.ackP99Us, UNITS.latency),
    f.rssMaxBytes ? formatValue(f.rssMaxBytes, UNITS.megabytes) : '—',
    f.behind ? 'fell behind' : '',
  ])
  const limits = ladder.limits.map((l) => [l.name, formatValue(l.messagesPerSec, UNITS.rate), l.note])
  return [
    '## Saturation ladder',
    '',
    'Each contender alone, the feed stepped up (a fresh run per step) until a step was not sustained, then bisected to within 5 %. ' +
      `A step is *sustained* when the contender kept up with the feed: its exchange→ack p99 (from each frame's intended send time, so the time a frame waited before the producer read it counts), less the feed's own send lag p99, stays ≤ ${formatValue(ladder.boundP99Us, UNITS.latency)}; ` +
      `its backlog grew by no more than that over the window (*backlog growth*: the frames the feed sent in the window that the producer had not read in it, as time at the offered rate); and it delivered at least 99.9 % of the frames it read. ` +
      'The *delivered share* of the feed’s offer is shown but does not decide: frames in flight at the window’s edges move it by tenths of a percent at high rates. ' +
      'The saturation point is the highest sustained rate (median and range over rounds). *own* or *rig* says whose limit it was, judged at the lowest unsustained probe: ' +
      'the producer’s CPU budget used up, or, with CPU to spare, its latency broke, its backlog grew or it delivered too little (own); the feed behind its schedule or the broker’s cores used up (rig). ' +
      '*msg/s per core* is delivered ÷ cores used, which carries over to bigger machines.' +
      (ladder.pinning ? ` CPU: ${ladder.pinning}.` : ''),
    '',
    table(
      [
        'contender',
        'saturation point',
        'whose limit',
        'CPU at 2k',
        'CPU at saturation',
        'msg/s per core there',
        ...ladder.limits.map((l) => `of ${l.name}`),
      ],
      saturation,
    ),
    ...(floor.length > 0
      ? [
          '',
          'librdkafka alone at a paced rate (the C producer, same settings, frames, keys and headers): the floor the CPU columns are divided by.',
          '',
          table(['rate', 'CPU', 'ack p50', 'ack p99', 'peak RSS', ''], floor),
        ]
      : []),
    '',
    table(
      [
        'contender',
        'round',
        'probe',
        'offered',
        'delivered',
        'delivered share',
        'exchange→ack p99',
        'backlog growth',
        'ack p99',
        'pipeline p50',
        'pipeline p99',
        'RSS max',
        'CPU',
        'cores',
        'msg/s per core',
        'broker cores',
        'sustained',
        'feed',
      ],
      ladder.steps.map(stepRow),
    ),
    ...(limits.length > 0
      ? ['', 'Physical limits on the same broker and settings:', '', table(['limit', 'rate', 'note'], limits)]
      : []),
  ].join('\n')
}
