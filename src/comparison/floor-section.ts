/**
 * @module comparison/floor-section
 * Each contender against librdkafka alone at the same rate: the paced C producer with the same
 * settings, frames, keys and headers. `×floor` is the contender's figure divided by the floor's:
 * CPU per delivered message, pipeline p99 against the C producer's due → ack p99 (both run
 * from when a frame was due or arrived to its ack), and RSS max against the C producer's peak RSS.
 */
import type { Contender, Report } from '../contract/report.ts'
import type { FloorRow } from './input.ts'
import { table } from './markdown.ts'
import { formatSpread, formatValue, spreadOf, UNITS } from './spread.ts'

/** `×1.23`: a contender's figure over the floor's; — when either is missing. */
export function times(value: number | undefined, floor: number): string {
  return value === undefined || floor <= 0 ? '—' : `×${(value / floor).toFixed(2)}`
}

export function floorSection(floor: FloorRow, byContender: Map<Contender, Report[]>): string {
  const rows = [...byContender].map(([c, reports]) => {
    const cpu = spreadOf(reports.map((r) => r.cpu.usPerDeliveredMessage))
    const p99 = spreadOf(reports.map((r) => r.latency.pipeline.p99Us))
    const rss = spreadOf(reports.map((r) => r.memory.rssBytes.max))
    return [
      c,
      formatSpread(cpu, UNITS.usPerMessage),
      times(cpu?.median, floor.cpuUsPerMessage),
      formatSpread(p99, UNITS.latency),
      times(p99?.median, floor.dueToAckP99Us),
      ...(floor.rssMaxBytes ? [formatSpread(rss, UNITS.megabytes), times(rss?.median, floor.rssMaxBytes)] : []),
    ]
  })
  return [
    '## Against librdkafka alone at the same rate',
    '',
    `The floor: the project's C producer on the same librdkafka, paced open-loop at ${formatValue(floor.ratePerSec, UNITS.rate)} with the same settings, frames, keys and headers, measured alone after the race: ` +
      `${formatValue(floor.cpuUsPerMessage, UNITS.usPerMessage)} CPU, ack p50 ${formatValue(floor.ackP50Us, UNITS.latency)}, ack p99 ${formatValue(floor.ackP99Us, UNITS.latency)}, due → ack p99 ${formatValue(floor.dueToAckP99Us, UNITS.latency)}` +
      `${floor.rssMaxBytes ? `, peak RSS ${formatValue(floor.rssMaxBytes, UNITS.megabytes)}` : ''}` +
      `${floor.behind ? ' (it fell behind its own schedule: treat it as approximate)' : ''}. ×floor is the contender's median divided by it` +
      `${floor.rssMaxBytes ? "; RSS compares each contender's RSS max with the C producer's peak (what librdkafka, its queue and the frames hold with no runtime around them)" : ''}.`,
    '',
    table(
      [
        'contender',
        'CPU per message',
        '×floor',
        'pipeline p99',
        '×floor (due → ack p99)',
        ...(floor.rssMaxBytes ? ['RSS max', '×floor (peak RSS)'] : []),
      ],
      rows,
    ),
  ].join('\n')
}
