/**
 * @module comparison/sections
 * The comparison report's smaller sections (environment, feed, settings, audit, reliability, how
 * to read), each a pure function to markdown.
 */
import type { AuditResult } from '../bench/audit.ts'
import { REGISTRY } from '../registry/registry.ts'
import type { Environment } from '../bench/environment.ts'
import type { BrokerFacts, ComparisonInput, ContenderProvenance } from './input.ts'
import { table } from './markdown.ts'
import { NOISE } from './metrics.ts'
import { fewestRounds, LEVEL } from './significance.ts'
import type { Contender, Report } from '../contract/report.ts'
import { formatSpread, formatValue, spreadOf, UNITS, type Unit } from './spread.ts'
import { describeMedianInterval } from './median-interval.ts'

/** A contender's glue tier: from the registry entry recorded when the run was made, else today's registry. */
export function tierOf(c: Contender, entries?: ContenderProvenance[]): string {
  return entries?.find((e) => e.name === c)?.tier ?? REGISTRY.find((e) => e.name === c)?.tier ?? 'unregistered'
}

/** Median (min–max) over rounds of one figure of one contender's reports. */
export function spreadCell(reports: Report[], get: (r: Report) => number, unit: Unit = UNITS.count): string {
  return formatSpread(spreadOf(reports.map(get)), unit)
}

function brokerRows(broker: BrokerFacts | undefined): string[][] {
  if (!broker) return []
  const cores = broker.cores?.length ? spreadOf(broker.cores) : undefined
  return [
    [
      'Kafka brokers',
      `${broker.brokers} (${broker.external ? 'KAFKA_BOOTSTRAP_SERVERS' : `embedded KRaft on this machine${broker.heapMb ? `, ${broker.heapMb} MB heap each` : ''}`}); ` +
        `topics with replication factor ${broker.replicationFactor}, min.insync.replicas ${broker.minIsr}` +
        (broker.replicationFactor === 1 ? ' (with one replica, acks=all means what acks=1 means)' : ''),
    ],
    ...(cores
      ? [
          [
            'Kafka JVMs’ CPU during the windows',
            `${formatSpread(cores, UNITS.cores)} of ${'this machine’s'} cores: the producers shared the machine with them`,
          ],
        ]
      : []),
  ]
}

export function environmentSection(
  env: Environment,
  byContender: Map<Contender, Report[]>,
  broker?: BrokerFacts,
  entries?: ContenderProvenance[],
): string {
  const rows = [
    ['CPU', `${env.cpuModel} (${env.cpus} logical cores)`],
    ['Memory', `${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
    ['OS', env.os],
    ['Bun (the harness)', env.bunVersion],
    ['Java (Kafka broker)', env.javaVersion],
    ['librdkafka', env.librdkafkaVersion],
    ['Kafka', env.kafkaVersion],
    ...brokerRows(broker),
  ]
  const runtimes = [...byContender].map(([c, reports]) => {
    const r = reports[0]!
    const entry = entries?.find((e) => e.name === c)
    return [
      c,
      tierOf(c, entries),
      `${r.runtime.name} ${r.runtime.version}`,
      entry?.websocket ?? r.runtime.websocket,
      entry?.binding ?? r.runtime.kafkaBinding,
      r.librdkafka.version,
      ...(entries ? [entry?.glue ?? '—'] : []),
    ]
  })
  return [
    '## Environment',
    table(['', 'value'], rows),
    '',
    'What each contender ran on:',
    '',
    table(
      [
        'contender',
        'glue tier',
        'runtime',
        'WebSocket client',
        'Kafka binding',
        'librdkafka',
        ...(entries ? ['glue (registry)'] : []),
      ],
      runtimes,
    ),
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
      [
        [
          formatValue(feed.rate, UNITS.rate),
          feed.profile,
          feed.seed === undefined ? '—' : String(feed.seed),
          String(feed.markets),
          formatValue(feed.lagP99Us, UNITS.latency),
        ],
      ],
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

/**
 * How busy the whole machine was during each round's window: contenders, feed, broker and anything
 * else. Over MACHINE_BUSY_FLAG the round is flagged: a contender may then have waited for a core,
 * and its latency and throughput are the machine's as much as its own (issue 26: a fair race
 * leaves the machine room).
 */
export const MACHINE_BUSY_FLAG = 0.7

export function machineSection(busy: number[] | undefined, flagAt = MACHINE_BUSY_FLAG): string {
  if (!busy || busy.length === 0) return ''
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`
  const lines = [
    '## The machine during the windows',
    '',
    table(
      ['round', 'all cores busy'],
      busy.map((b, r) => [String(r + 1), b > flagAt ? `**${pct(b)}**` : pct(b)]),
    ),
  ]
  const over = busy.map((b, r) => [r + 1, b] as const).filter(([, b]) => b > flagAt)
  if (over.length > 0)
    lines.push(
      '',
      `> **Warning:** the machine was over ${pct(flagAt)} busy during the window of round ${over.map(([r, b]) => `${r} (${pct(b)})`).join(', ')}. ` +
        'A contender may have waited for a core there: its latency and throughput are then the machine’s as much as its own. Race fewer contenders at once, a lower --rate, or --mode isolated.',
    )
  return lines.join('\n')
}

export function settingsSection(settings: Record<string, string>): string {
  const rows = Object.entries(settings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [`\`${k}\``, `\`${v}\``])
  return ['## Producer settings (identical for every contender)', '', table(['property', 'value'], rows)].join('\n')
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
    failed === 0
      ? 'Every topic holds exactly what its report calls delivered.'
      : `**${failed} of ${audits.length} topics failed the audit.**`,
    '',
    table(
      [
        'contender',
        'topic',
        'in topic',
        'delivered (report)',
        'missing seqs',
        'duplicates',
        'unknown values',
        'wrong keys',
        'result',
        'problems',
      ],
      rows,
    ),
  ].join('\n')
}

/** "complete ×2, degraded" */
function countsText(values: string[]): string {
  const counts = new Map<string, number>()
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1)
  return [...counts].map(([v, n]) => (n > 1 ? `${v} ×${n}` : v)).join(', ')
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
  const statuses = contenders.map((c) => countsText(byContender.get(c)!.map((r) => r.status)))
  const compression = contenders.map((c) => countsText(byContender.get(c)!.map((r) => r.connections.compression)))
  const errorFrames = contenders.map((c) => {
    const total: Record<string, number> = {}
    for (const r of byContender.get(c)!)
      for (const [name, n] of Object.entries(r.messages.errorFrames)) total[name] = (total[name] ?? 0) + n
    const entries = Object.entries(total)
    return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${name}: ${n}`).join(', ')
  })
  return [
    '## Reliability',
    '',
    table(
      ['', ...contenders],
      [
        ['status (rounds)', ...statuses],
        row('reconnects', (r) => r.reliability.reconnects),
        row('refused handshakes (429)', (r) => r.connections.rateLimited),
        row('handshake timeouts', (r) => r.connections.handshakeTimeouts),
        row('silence reconnects (watchdog)', (r) => r.connections.silenceReconnects),
        row('flaps', (r) => r.connections.flaps),
        row('connections given up', (r) => r.connections.failed),
        row('time disconnected', (r) => r.reliability.disconnectedMs, UNITS.ms),
        row('longest stretch with no connection', (r) => r.connections.longestAllDownMs, UNITS.ms),
        ['WebSocket compression negotiated', ...compression],
        row('frames before ready (dropped)', (r) => r.messages.beforeReady),
        row('warm-up messages delivered', (r) => r.warmup.delivered),
        ['error frames (total over rounds)', ...errorFrames],
        row('invalid frames', (r) => r.reliability.invalidFrames),
        row('queue-full retries', (r) => r.reliability.queueFullRetries),
        row('failed deliveries', (r) => r.reliability.failedDeliveries),
        ['failed by code (total over rounds)', ...codes],
      ],
    ),
  ].join('\n')
}

export function howToReadSection(rounds: number, ladderRounds = 0): string {
  const pct = (x: number) => `${Math.round(x * 100)} %`
  const spread =
    ladderRounds > 0
      ? `The saturation points are \`median (lo–hi)\` over ${ladderRounds} round${ladderRounds === 1 ? '' : 's'} of the search: ${describeMedianInterval(ladderRounds)}. The side-by-side tables are one run per contender (its highest sustained step), with no spread.`
      : rounds > 1
        ? `Every figure is \`median (lo–hi)\`: ${describeMedianInterval(rounds)}. The verdicts below compare two contenders with their own interval, of the ratio.`
        : 'One round: every figure is that round’s, with no spread.'
  return [
    '## How to read this',
    '',
    `- ${spread}`,
    '- `×N` after a figure: how many times worse it is than the best contender in that row (higher is better for throughput, lower for everything else). The best, and figures within 0.5 % of it, carry no suffix; a range appears only where rounds differ.',
    `- **Verdicts** rest on the ${Math.round(LEVEL * 100)} % interval of each contender’s ratio to the best (Hodges–Lehmann, from the exact Mann–Whitney U distribution of the rounds’ figures: rank-based, as benchstat decides). A winner is named only where that interval excludes 1 **and** the gap is larger than ${pct(NOISE.throughput)} for throughput or ${pct(NOISE.latency)} for latency, memory and CPU (relative to the larger median).` +
      ` **Inconclusive**: the interval holds 1 (the rounds cannot tell the two apart), shown with the interval. **Within N %**: the interval excludes 1 but the gap is under that threshold, real but too small to name a winner.` +
      ` m against n rounds can give no p-value below 2 ÷ C(m+n, m): with 3 rounds each that is 0.10, so no verdict at ${Math.round(LEVEL * 100)} % is possible and the intervals are the widest the rounds allow (90 %); ${fewestRounds()} rounds each is the least that can name a winner.`,
    '- Warm-up: every contender produced from the moment it was ready until the window opened (at least the warm-up, marked `phase: warmup`); the audit checks those messages separately and no figure counts them.',
    '- Latency: the headline is *exchange→ack*, the frame’s own timestamp → delivery report (with the local feed, the frame’s intended send time; with the live exchange, Upbit’s clock: see the headline section), so the time a frame waited before the producer read it counts. Its breakdown: *pipeline* is frame in → delivery report; *processing* is frame in → produce() returned; *kafka ack* is produce() → delivery report. The latency verdicts use exchange→ack; a contender whose frames waited more than 50 ms (p99) before it read them is named as behind the feed.',
    '- CPU µs per message is (user + system) CPU over the window divided by delivered messages; 1.00 cores is one core fully busy.',
    '- In concurrent mode the contenders share the machine’s cores and one feed; isolated mode runs them one at a time. In both the order (who is started and connects first, or runs first) rotates by round, as the header states.',
  ].join('\n')
}
