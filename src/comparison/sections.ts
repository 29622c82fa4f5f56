/**
 * @module report/sections
 * The comparison report's smaller sections (environment, feed, settings, the seed's expected
 * table, audit, reliability, saturation ladder, how to read), each a pure function to markdown.
 */
import type { AuditResult } from '../bench/audit.ts'
import type { Environment } from '../bench/environment.ts'
import type { ComparisonInput, LadderResult } from './compare.ts'
import { NOISE } from './metrics.ts'
import type { Contender, Report } from '../contract/report.ts'
import { formatSpread, formatValue, spreadOf, UNITS, type Unit } from './spread.ts'

/** A markdown table; `|` inside cells is escaped. */
export function table(head: string[], rows: string[][]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ')
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n')
}

/** Median (min–max) over rounds of one figure of one contender's reports. */
export function spreadCell(reports: Report[], get: (r: Report) => number, unit: Unit = UNITS.count): string {
  return formatSpread(spreadOf(reports.map(get)), unit)
}

export function environmentSection(env: Environment, byContender: Map<Contender, Report[]>): string {
  const rows = [
    ['CPU', `${env.cpuModel} (${env.cpus} logical cores)`],
    ['Memory', `${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
    ['OS', env.os],
    ['Bun', env.bunVersion],
    ['Node.js', env.nodeVersion],
    ['Go', env.goVersion],
    ['Java (Kafka broker)', env.javaVersion],
    ['librdkafka', env.librdkafkaVersion],
    ['Kafka', env.kafkaVersion],
  ]
  const runtimes = [...byContender].map(([c, reports]) => {
    const r = reports[0]!
    return [c, `${r.runtime.name} ${r.runtime.version}`, r.runtime.websocket, r.runtime.kafkaBinding, r.librdkafka.version]
  })
  return [
    '## Environment',
    table(['', 'value'], rows),
    '',
    'What each contender ran on:',
    '',
    table(['contender', 'runtime', 'WebSocket client', 'Kafka binding', 'librdkafka'], runtimes),
  ].join('\n')
}

export function feedSection(feed: ComparisonInput['feed'], reports: Report[]): string {
  if (!feed) {
    const url = reports[0]?.config.upbitWsUrl ?? 'the live exchange'
    return `## The feed\n\nThe live Upbit exchange (${url}): not reproducible, and nothing to compare values with.`
  }
  const lagMs = feed.lagP99Us / 1000
  const lines = [
    '## The feed',
    '',
    table(
      ['rate', 'profile', 'seed', 'markets', 'send lag p99'],
      [[formatValue(feed.rate, UNITS.rate), feed.profile, String(feed.seed), String(feed.markets), formatValue(feed.lagP99Us, UNITS.latency)]],
    ),
  ]
  if (feed.behind) {
    lines.push(
      '',
      `> **Warning:** the feed fell behind its own schedule (send lag p99 ${lagMs.toFixed(1)} ms). ` +
        'Throughput and exchange→ack latency are then bounded by the feed, not by the producers.',
    )
  }
  return lines.join('\n')
}

export function settingsSection(settings: Record<string, string>): string {
  const rows = Object.entries(settings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [`\`${k}\``, `\`${v}\``])
  return ['## Producer settings (identical for every contender)', '', table(['property', 'value'], rows)].join('\n')
}

const SEED: Record<string, Partial<Record<Contender, string>>> = {
  Throughput: { bun: '3,000–5,000 msg/s', go: '4,000–6,000 msg/s' },
  Memory: { bun: '50–80 MB', go: '20–40 MB' },
  CPU: { bun: 'medium', go: 'low' },
  Latency: { bun: '1–5 ms', go: '0.5–3 ms' },
  'Connection management': { bun: 'good', go: 'very good' },
  'Development speed': { bun: 'fast', go: 'medium' },
}

export function seedSection(byContender: Map<Contender, Report[]>, feedRate?: number): string {
  const measured: Record<string, (rs: Report[]) => string> = {
    Throughput: (rs) => spreadCell(rs, (r) => r.throughput.deliveredPerSec, UNITS.rate),
    Memory: (rs) => `RSS avg ${spreadCell(rs, (r) => r.memory.rssBytes.avg, UNITS.megabytes)}`,
    CPU: (rs) =>
      `${spreadCell(rs, (r) => r.cpu.usPerDeliveredMessage, UNITS.usPerMessage)}, ${spreadCell(rs, (r) => r.cpu.coresUsed, UNITS.cores)}`,
    Latency: (rs) =>
      `pipeline p50 ${spreadCell(rs, (r) => r.latency.pipeline.p50Us, UNITS.latency)}, p99 ${spreadCell(rs, (r) => r.latency.pipeline.p99Us, UNITS.latency)}`,
    'Connection management': (rs) =>
      `${spreadCell(rs, (r) => r.connections.opened)} opened, ${spreadCell(rs, (r) => r.connections.reconnects)} reconnects, ${spreadCell(rs, (r) => r.connections.failed)} failed`,
    'Development speed': () => 'not measured',
  }
  const contenders = [...byContender.keys()]
  const head = ['', ...contenders.flatMap((c) => [`${c}: seed expected`, `${c}: measured`])]
  const rows = Object.entries(SEED).map(([aspect, expected]) => [
    aspect,
    ...contenders.flatMap((c) => [expected[c] ?? '—', measured[aspect]!(byContender.get(c)!)]),
  ])
  const bound = feedRate
    ? ` Measured throughput cannot exceed what the feed offers (${formatValue(feedRate, UNITS.rate)} here): ` +
      'the seed’s figures are capacities, so compare them with the saturation ladder when it is present.'
    : ''
  return [
    '## The seed’s expected figures beside the measured ones',
    '',
    'The expected figures are **as claimed by the original project**, not measured here; Node.js was not in its table.' + bound,
    '',
    table(head, rows),
  ].join('\n')
}

export function auditSection(audits: AuditResult[]): string {
  if (audits.length === 0) return '## Audit\n\nNo topic was audited.'
  const rows = audits.map((a) => [
    a.contender,
    `\`${a.topic}\``,
    String(a.topicCount),
    String(a.delivered),
    String(a.missingSeqs),
    String(a.duplicateSeqs),
    a.unknownValues < 0 ? 'not checked' : String(a.unknownValues),
    String(a.wrongKeys),
    a.ok ? 'OK' : '**FAIL**',
    a.problems.join('; ') || '—',
  ])
  const failed = audits.filter((a) => !a.ok).length
  return [
    '## Audit (every topic read back)',
    '',
    failed === 0 ? 'Every topic holds exactly what its report calls delivered.' : `**${failed} of ${audits.length} topics failed the audit.**`,
    '',
    table(['contender', 'topic', 'in topic', 'delivered (report)', 'missing seqs', 'duplicates', 'unknown values', 'wrong keys', 'result', 'problems'], rows),
  ].join('\n')
}

export function reliabilitySection(byContender: Map<Contender, Report[]>): string {
  const contenders = [...byContender.keys()]
  const row = (label: string, get: (r: Report) => number, unit: Unit = UNITS.count) => [
    label,
    ...contenders.map((c) => spreadCell(byContender.get(c)!, get, unit)),
  ]
  const codes = contenders.map((c) => {
    const total: Record<string, number> = {}
    for (const r of byContender.get(c)!) {
      for (const [code, n] of Object.entries(r.reliability.failedByCode)) total[code] = (total[code] ?? 0) + n
    }
    const entries = Object.entries(total)
    return entries.length === 0 ? 'none' : entries.map(([code, n]) => `${code}: ${n}`).join(', ')
  })
  const interrupted = contenders.map((c) => String(byContender.get(c)!.filter((r) => r.status === 'interrupted').length))
  return [
    '## Reliability',
    '',
    table(
      ['', ...contenders],
      [
        row('reconnects', (r) => r.reliability.reconnects),
        row('time disconnected', (r) => r.reliability.disconnectedMs, UNITS.ms),
        row('invalid frames', (r) => r.reliability.invalidFrames),
        row('queue-full retries', (r) => r.reliability.queueFullRetries),
        row('failed deliveries', (r) => r.reliability.failedDeliveries),
        ['failed by code (total over rounds)', ...codes],
        ['interrupted rounds', ...interrupted],
      ],
    ),
  ].join('\n')
}

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

export function howToReadSection(rounds: number): string {
  const pct = (x: number) => `${Math.round(x * 100)} %`
  return [
    '## How to read this',
    '',
    `- ${rounds > 1 ? `Every figure is \`median (min–max)\` over ${rounds} rounds.` : 'One round: every figure is that round’s, with no spread.'}`,
    '- `×N` after a figure: how many times worse it is than the best contender in that row (higher is better for throughput, lower for everything else). The best, and figures within 0.5 % of it, carry no suffix; a range appears only where rounds differ.',
    `- **Within noise**: a difference smaller than ${pct(NOISE.throughput)} for throughput or ${pct(NOISE.latency)} for latency, memory and CPU` +
      ' (relative to the larger median), or, with several rounds, no larger than the spread across rounds (the wider max − min of the two). Otherwise the verdict names the winner and by how much.',
    '- Latency: *processing* is frame in → produce() returned; *kafka ack* is produce() → delivery report; *pipeline* is frame in → delivery report; *exchange→ack* is the frame’s own timestamp → delivery report (with the local feed, the intended send time).',
    '- CPU µs per message is (user + system) CPU over the window divided by delivered messages; 1.00 cores is one core fully busy.',
    '- In concurrent mode the contenders share the machine’s cores and one feed; isolated mode runs them one at a time, alternating the order.',
  ].join('\n')
}
