/**
 * @module comparison/ladder-section
 * The saturation ladder's section: each contender's saturation point as a share of every
 * physical limit measured on the same machine, every step's figures, and the limit rows.
 */
import type { LadderResult } from './input.ts'
import { table } from './markdown.ts'
import { formatValue, UNITS } from './spread.ts'

export function ladderSection(ladder: LadderResult): string {
  const steps = ladder.steps.map((s) => [
    s.contender,
    formatValue(s.offeredPerSec, UNITS.rate),
    formatValue(s.deliveredPerSec, UNITS.rate),
    // two decimals: the sustained threshold is 99.9 %, one decimal would round 99.96 % up to 100.0 %
    `${(100 * s.deliveredFraction).toFixed(2)} %`,
    formatValue(s.processingP99Us, UNITS.latency),
    formatValue(s.ackP99Us, UNITS.latency),
    formatValue(s.pipelineP50Us, UNITS.latency),
    formatValue(s.pipelineP99Us, UNITS.latency),
    formatValue(s.pipelineP999Us, UNITS.latency),
    formatValue(s.rssMaxBytes, UNITS.megabytes),
    formatValue(s.cpuUsPerMessage, UNITS.usPerMessage),
    s.sustained === undefined ? '' : s.sustained ? 'yes' : 'no',
    s.feedBehind ? 'feed behind' : '',
  ])
  // each saturation point as a fraction of every physical limit measured on the same machine
  const saturation = Object.entries(ladder.saturation).map(([c, rate]) => [
    c,
    rate === null ? 'none (not even the first step)' : formatValue(rate, UNITS.rate),
    ...ladder.limits.map((l) => (rate === null || l.messagesPerSec <= 0 ? '—' : `${((100 * rate) / l.messagesPerSec).toFixed(0)} %`)),
  ])
  const limits = ladder.limits.map((l) => [l.name, formatValue(l.messagesPerSec, UNITS.rate), l.note])
  return [
    '## Saturation ladder',
    '',
    'Isolated runs at stepped feed rates. A step is *sustained* when the contender delivers at least 99.9 % of what the feed offered it ' +
      `during the window (counted by the feed) with pipeline p99 ≤ ${formatValue(ladder.boundP99Us, UNITS.latency)}; its saturation point is the highest sustained step, ` +
      'and it stops at its first unsustained step. *feed behind* marks a step where the feed itself could not hold its schedule (its send lag p99 over 50 ms): ' +
      'there the contender, the feed and the broker compete for the same cores, and the step measures the machine as much as the producer.',
    '',
    table(['contender', 'highest sustained rate', ...ladder.limits.map((l) => `of ${l.name}`)], saturation),
    '',
    table(['contender', 'offered', 'delivered', 'delivered share', 'processing p99', 'ack p99', 'pipeline p50', 'pipeline p99', 'pipeline p99.9', 'RSS max', 'CPU', 'sustained', 'feed'], steps),
    ...(limits.length > 0 ? ['', 'Physical limits on the same broker and settings:', '', table(['limit', 'rate', 'note'], limits)] : []),
  ].join('\n')
}
