import { describe, expect, test } from 'bun:test'
import type { AuditResult } from '../bench/audit.ts'
import type { Environment } from '../bench/environment.ts'
import { compareReports, refuseMismatched, reportsByContender, type ComparisonInput } from './compare.ts'
import { verdict } from './verdict-section.ts'
import { makeReport, SETTINGS } from './fixture.ts'
import { KEY_METRICS } from './metrics.ts'
import { Report } from '../contract/report.ts'
import { formatSpread, spreadOf, UNITS } from './spread.ts'

/** the four contenders these fixtures have profiles for */
const FOUR = ['bun', 'node', 'go', 'python'] as const

const ENV: Environment = {
  cpuModel: 'AMD EPYC 7B13',
  cpus: 4,
  memoryBytes: 16 * 2 ** 30,
  os: 'linux 6.1.0',
  bunVersion: '1.4.5',
  javaVersion: '21.0.8',
  librdkafkaVersion: '2.12.0',
  kafkaVersion: '4.1.0',
}

function audit(contender: string, ok = true): AuditResult {
  return {
    contender,
    topic: `upbit-bench-x-r1-${contender}`,
    topicCount: 143_758,
    warmupCount: 24_000,
    delivered: 119_758,
    missingSeqs: ok ? 0 : 12,
    duplicateSeqs: 0,
    unknownValues: 0,
    wrongKeys: 0,
    outOfOrder: 0,
    ok,
    problems: ok ? [] : ['12 seq numbers missing from the topic that the report does not count as failed'],
  }
}

function input(rounds: Report[][], extra: Partial<ComparisonInput> = {}): ComparisonInput {
  return {
    rounds,
    mode: 'isolated',
    environment: ENV,
    settings: SETTINGS,
    feed: { rate: 2000, profile: 'live', seed: 42, markets: 235, lagP99Us: 850, behind: false },
    audit: rounds.flat().map((r) => audit(r.contender)),
    startedAt: '2026-01-02T03:04:05.000Z',
    commandLine: 'bun run bench --rounds 3 --mode isolated',
    ...extra,
  }
}

const threeRounds = () => [1, 2, 3].map((r) => FOUR.map((c) => makeReport(c, r)))
const rowOf = (md: string, label: string) => md.split('\n').find((l) => l.startsWith(`| ${label} |`))

describe('the fixture', () => {
  test('builds schema-valid reports for every contender', () => {
    for (const c of FOUR) expect(Report.safeParse(makeReport(c, 2)).success).toBe(true)
  })
})

describe('compareReports', () => {
  const md = compareReports(input(threeRounds()))

  test('has a column for every contender and the key rows', () => {
    expect(md).toContain('|  | bun | node | go | python |')
    for (const label of [
      'delivered',
      'pipeline p50',
      'pipeline p99.9',
      'connect p99',
      'exchange→ack p95',
      'RSS avg',
      'heap max',
      'CPU per delivered message',
      'cores used',
      'start lag',
      'reconnects',
      'int_latency p99',
      'success rate',
    ]) {
      expect(rowOf(md, label)).toBeDefined()
    }
  })

  test('prints every figure measured over 3 rounds as median (min–max)', () => {
    const row = rowOf(md, 'RSS avg')!
    // bun's RSS avg over rounds 1..3 is 72 MB × (0.98, 1.00, 1.02)
    expect(row).toContain('72.0 MB (70.6–73.4)')
    expect(rowOf(md, 'pipeline p50')).toContain('1.70 ms (1.67–1.73)')
  })

  test('puts ×best ratios on the worse contenders only', () => {
    const [, , bun, node, go] = rowOf(md, 'RSS avg')!
      .split('|')
      .map((c) => c.trim())
    expect(bun).toContain('×2.48')
    expect(node).toContain('×3.31')
    expect(go).not.toContain('×')
  })

  test('names the environment, the feed and the settings', () => {
    for (const s of [
      'AMD EPYC 7B13',
      '2.12.0',
      '4.1.0',
      'node 20.20.2',
      '| go | as-shipped |',
      '`linger.ms`',
      '2,000 msg/s',
    ])
      expect(md).toContain(s)
    expect(md).not.toContain('fell behind')
  })

  test('quotes the original project’s expected table verbatim, labelled as expectations, with no invented figure', () => {
    for (const s of [
      '1,500–3,000 msg/s',
      '800–1,500 msg/s',
      '20–50 MB',
      '40–120 MB',
      '1–5 ms',
      '3–10 ms',
      '99.9%+',
      'Go 1.5–2× higher',
      'not measurements',
    ]) {
      expect(md).toContain(s)
    }
    for (const invented of ['3,000–5,000', '4,000–6,000', 'Development speed', '0.5–3 ms'])
      expect(md).not.toContain(invented)
  })

  test('places the measured go and python figures inside, above or below the expected range', () => {
    // go RSS ≈ 29 MB: inside 20–50; python RSS ≈ 61 MB: inside 40–120; go pipeline p95 ≈ 3.6 ms: inside 1–5
    const [, , , goMeasured, goPlace, , pyMeasured, pyPlace] = rowOf(md, 'memory use')!
      .split('|')
      .map((c) => c.trim())
    expect(goMeasured).toContain('MB')
    expect([goPlace, pyPlace]).toEqual(['inside', 'inside'])
    const [, , , , throughputPlace] = rowOf(md, 'throughput')!
      .split('|')
      .map((c) => c.trim())
    expect(throughputPlace).toBe('not comparable')
    expect(md).toContain('the throughput row is not comparable')
    const big = compareReports(input([[makeReport('go', 1, (r) => void (r.memory.rssBytes.avg = 80e6))]]))
    expect(
      rowOf(big, 'memory use')!
        .split('|')
        .map((c) => c.trim())[4],
    ).toBe('above')
    expect(
      rowOf(big, 'memory use')!
        .split('|')
        .map((c) => c.trim())[6],
    ).toBe('not in this run')
  })

  test('flags an interval whose p99 exceeds 3× the contender’s median interval p99, naming it', () => {
    const cold = makeReport('bun', 2, (r) => void (r.intervals[0]!.pipelineP99Us = 401_000))
    const out = compareReports(input([[makeReport('bun', 1)], [cold], [makeReport('bun', 3)]]))
    expect(out).toMatch(/bun round 2, 0–5 s: p99 401 ms/)
    expect(compareReports(input(threeRounds()))).toContain('No interval flagged.')
  })

  test('divides each contender’s CPU and p99 by librdkafka alone at the same rate', () => {
    const floor = {
      ratePerSec: 2000,
      cpuUsPerMessage: 21,
      ackP50Us: 6000,
      ackP99Us: 12_000,
      dueToAckP99Us: 12_500,
      delivered: 40_000,
      behind: false,
    }
    const out = compareReports(input(threeRounds(), { floor }))
    expect(out).toContain('## Against librdkafka alone at the same rate')
    // go's CPU per message is 24 µs (median over rounds): ×1.14 of the floor
    const section = out.slice(out.indexOf('## Against librdkafka alone'))
    expect(rowOf(section, 'go')).toContain('×1.14')
    expect(compareReports(input(threeRounds()))).not.toContain('librdkafka alone at the same rate')
  })

  test('warns when a run did not meet its contract', () => {
    const failed = makeReport('go', 1, (r) => {
      r.status = 'failed'
      r.statusReasons = [{ code: 'undelivered', message: 'undelivered 71.0 % at end' }]
    })
    expect(compareReports(input([[makeReport('bun'), failed]]))).toContain('go failed (undelivered 71.0 % at end)')
  })

  test('warns when the feed fell behind', () => {
    const behind = compareReports(
      input(threeRounds(), {
        feed: { rate: 50_000, profile: 'flat', seed: 1, markets: 235, lagP99Us: 120_000, behind: true },
      }),
    )
    expect(behind).toContain('fell behind its own schedule (send lag p99 120.0 ms)')
  })

  test('shows how busy the machine was in each window and flags a round over 70 %', () => {
    const busy = compareReports(input(threeRounds(), { machineBusy: [0.42, 0.86, 0.55] }))
    expect(busy).toContain('## The machine during the windows')
    expect(busy).toContain('| 2 | **86 %** |')
    expect(busy).toContain('over 70 % busy during the window of round 2 (86 %)')
    const calm = compareReports(input(threeRounds(), { machineBusy: [0.42, 0.5, 0.55] }))
    expect(calm).toContain('| 1 | 42 % |')
    expect(calm).not.toContain('busy during the window of round')
    expect(compareReports(input(threeRounds()))).not.toContain('## The machine during the windows')
  })

  test('shows the audit and fails loudly on a bad topic', () => {
    const bad = compareReports(input(threeRounds(), { audit: [audit('bun'), audit('go', false)] }))
    expect(bad).toContain('**FAIL**')
    expect(bad).toContain('1 of 2 topics failed the audit')
    expect(bad).toContain('12 seq numbers missing')
  })

  test('lists failed deliveries by code in the reliability table', () => {
    const lossy = makeReport('node', 1, (r) => {
      r.reliability.failedDeliveries = 7
      r.reliability.failedByCode = { Local_MsgTimedOut: 7 }
    })
    const out = compareReports(input([[makeReport('bun'), lossy]]))
    expect(rowOf(out, 'failed by code (total over rounds)')).toContain('Local_MsgTimedOut: 7')
  })

  test('adds the saturation ladder when present', () => {
    const ladder = {
      boundP99Us: 100_000,
      steps: [
        {
          contender: 'go',
          offeredPerSec: 10_000,
          deliveredPerSec: 9_990,
          deliveredFraction: 0.999,
          processingP99Us: 40,
          ackP99Us: 5000,
          pipelineP50Us: 2000,
          pipelineP99Us: 6000,
          pipelineP999Us: 9000,
          rssMaxBytes: 4e7,
          cpuUsPerMessage: 20,
        },
      ],
      saturation: { go: 80_000, bun: null },
      limits: [{ name: 'C producer', messagesPerSec: 150_000, note: 'same librdkafka' }],
    }
    const out = compareReports(input(threeRounds(), { ladder }))
    expect(out).toContain('## Saturation ladder')
    expect(out).toContain('| go | 80,000 msg/s |')
    expect(out).toContain('| bun | none (not even the first step) |')
    expect(compareReports(input(threeRounds()))).not.toContain('Saturation ladder')
  })

  // a 3-round ladder's report said "Mode: isolated, 1 round" and "One round: every figure is that
  // round's, with no spread" above saturation points carrying their range over 3 rounds
  test('a ladder names its rounds of the search, not the one run per contender of its tables', () => {
    const ladder = {
      boundP99Us: 100_000,
      steps: [],
      saturation: { go: 96_875, bun: 93_750 },
      saturationByRound: { go: [90_625, 96_875, 96_875], bun: [93_750, 87_500, 100_000] },
      limits: [],
    }
    const one = [threeRounds()[0]!]
    const out = compareReports(input(one, { ladder }))
    expect(out).toContain('- Mode: saturation ladder (isolated), 3 rounds of the search, ')
    expect(out).toContain(
      'median (lo–hi)` over 3 rounds of the search: over 3 rounds the range is min–max, a distribution-free interval that holds the true median with 75 % confidence',
    )
    expect(out).not.toContain('One round: every figure')
    expect(out).toContain('| go | 96,875 msg/s (90,625–96,875) |')
    expect(compareReports(input(one))).toContain('One round: every figure')
  })

  test('a saturation point the rig capped reads as a lower bound, in the ladder and the original table', () => {
    const ladder = {
      boundP99Us: 100_000,
      steps: [],
      saturation: { go: 40_166, python: 1_200 },
      limitVerdicts: {
        go: { kind: 'rig' as const, lowerBound: true, evidence: 'the feed could send no more than 40,166 msg/s' },
        python: { kind: 'rig' as const, lowerBound: true, evidence: 'the feed could send no more than 1,200 msg/s' },
      },
      limits: [],
    }
    const out = compareReports(input(threeRounds(), { ladder }))
    expect(out).toContain('| go | ≥ 40,166 msg/s | rig: the feed could send no more than 40,166 msg/s |')
    expect(out).toContain("≥ 40,166 msg/s (saturation point, the rig's limit) | above |")
    // 1,200 is inside 800–1,500, but the true figure may be higher
    expect(out).toContain("≥ 1,200 msg/s (saturation point, the rig's limit) | inside or above |")
  })
})

describe('verdicts', () => {
  const rss = KEY_METRICS.find((m) => m.label === 'RSS avg')!
  const delivered = KEY_METRICS.find((m) => m.group === 'Throughput' && m.label === 'delivered')!
  const fiveRounds = () => [1, 2, 3, 4, 5].map((r) => FOUR.map((c) => makeReport(c, r)))
  /** bun's and go's RSS avg per round */
  const rssRounds = (pairs: number[][]) =>
    reportsByContender(
      pairs.map(([bun, go], i) => [
        makeReport('bun', i + 1, (r) => void (r.memory.rssBytes.avg = bun!)),
        makeReport('go', i + 1, (r) => void (r.memory.rssBytes.avg = go!)),
      ]),
    )

  test('near-identical figures are inconclusive, with each interval shown', () => {
    const v = verdict(delivered, reportsByContender(fiveRounds()))
    expect(v).toStartWith('inconclusive (bun, node, go, python): go is best; ')
    expect(v).toContain('bun ×1.00, 97 % CI 0.997–1.004; node ×1.00, 97 % CI 0.998–1.005; python ×1.00, 97 % CI 0.999')
  })

  test('a clear difference names the winner, the factor and its 95 % interval', () => {
    const v = verdict(rss, reportsByContender(fiveRounds()))
    expect(v).toStartWith('**go** is 2.48× leaner than bun (97 % CI 2.34–2.63)')
    expect(v).toContain('3.31× leaner than node')
    expect(v).toContain('2.10× leaner than python')
    expect(v).not.toContain('inconclusive')
  })

  test('one round measures no noise: inconclusive, however large the gap', () => {
    const far = rssRounds([[50e6, 40e6]])
    expect(verdict(rss, far)).toBe(
      'inconclusive (bun, go): go is best; bun ×1.25, no interval (one round measures no noise; at least 4 rounds each can name a winner)',
    )
  })

  test('overlapping samples are inconclusive, even far above the threshold, and show the interval', () => {
    // go 40 MB steady; bun swings 30..60 MB over rounds: medians 20 % apart, samples overlap
    const v = verdict(
      rss,
      rssRounds([
        [30e6, 40e6],
        [48e6, 40.1e6],
        [60e6, 40.2e6],
        [44e6, 39.9e6],
        [52e6, 40e6],
      ]),
    )
    expect(v).toStartWith('inconclusive (bun, go): go is best; bun ×1.20, 9')
    expect(v).toMatch(/CI 0\.[0-9]+–1\.[0-9]+$/)
  })

  test('3 rounds cannot name a winner, however clear the gap, and say why', () => {
    const v = verdict(
      rss,
      rssRounds([
        [46e6, 40e6],
        [46.2e6, 40.1e6],
        [46.1e6, 40.2e6],
      ]),
    )
    expect(v).toBe(
      'inconclusive (bun, go): go is best; bun ×1.15, 90 % CI 1.14–1.16 (3 against 3 rounds cannot reach 95 %: smallest p-value 0.10; at least 4 rounds each can)',
    )
  })

  test('4 separate rounds and a gap above the threshold name a winner', () => {
    const v = verdict(
      rss,
      rssRounds([
        [46e6, 40e6],
        [46.2e6, 40.1e6],
        [46.1e6, 40.2e6],
        [46.3e6, 40.1e6],
      ]),
    )
    expect(v).toBe('**go** is 1.15× leaner than bun (97 % CI 1.14–1.16)')
  })

  test('a steady gap below the threshold names no winner, and says why', () => {
    const v = verdict(
      rss,
      rssRounds([
        [41e6, 40e6],
        [41.2e6, 40.1e6],
        [41.1e6, 40.2e6],
        [41.3e6, 40.1e6],
      ]),
    )
    expect(v).toBe('within 10 % (bun, go)')
  })

  test('a ladder’s tables, one run per contender, get no interval and say so', () => {
    const ladder = {
      boundP99Us: 100_000,
      steps: [],
      saturation: { go: 50_000, bun: 40_000 },
      saturationByRound: { go: [50_000, 48_000, 52_000], bun: [40_000, 41_000, 39_000] },
      limits: [],
    }
    const md = compareReports(input([FOUR.map((c) => makeReport(c))], { ladder }))
    expect(md).toContain('The ladder’s tables hold one run per contender (its highest sustained step): no interval')
    expect(md).not.toContain('Race at least 4 rounds')
  })

  test('state the rule and, with 3 rounds, what the rounds cannot say', () => {
    const out = compareReports(input(threeRounds()))
    expect(out).toContain(
      'A winner is named only where that interval excludes 1 **and** the gap is larger than 5 % for throughput or 10 % for latency',
    )
    expect(out).toContain('**With 3 rounds per contender no verdict is possible at 95 %:**')
    expect(out).toContain('the smallest two-sided p-value 3 against 3 rounds can give is 0.10')
    expect(out).toContain('| ratio to the best (90 % interval, the most the rounds allow) | bun | node | go | python |')
    expect(compareReports(input(fiveRounds()))).toContain('| ratio to the best (97 % interval) |')
    expect(compareReports(input(fiveRounds()))).not.toContain('no verdict is possible')
  })
})

describe('the order within rounds', () => {
  test('the header states it, round by round, when the race recorded it', () => {
    const order = [
      ['bun', 'node', 'go', 'python'],
      ['node', 'go', 'python', 'bun'],
      ['go', 'python', 'bun', 'node'],
    ]
    const md = compareReports(input(threeRounds(), { mode: 'concurrent', order }))
    expect(md).toContain(
      '- Order within rounds (started and connected in, rotating by round): round 1: bun, node, go, python; round 2: node, go, python, bun; round 3: go, python, bun, node',
    )
    expect(compareReports(input(threeRounds(), { order }))).toContain(
      '- Order within rounds (run in, rotating by round)',
    )
    expect(compareReports(input(threeRounds()))).not.toContain('Order within rounds')
  })
})

describe('provenance', () => {
  const provenance = {
    commit: '0123456789abcdef0123456789abcdef01234567',
    dirty: true,
    commandLine: 'bun run bench --rounds 3',
    contenders: FOUR.map((name) => ({
      name,
      runtime: `${name} 1.0`,
      websocket: `${name}-ws`,
      binding: `${name}-binding`,
      tier: name === 'bun' ? 'tuned' : 'as-shipped',
      glue: `${name}'s glue`,
    })),
  }

  test('the header names the commit and a dirty tree; the environment lists each contender’s registry entry', () => {
    const md = compareReports(input(threeRounds(), { provenance }))
    expect(md).toContain('- Project: commit `0123456789abcdef0123456789abcdef01234567`, **with uncommitted changes**')
    expect(md).toContain(
      "| python | as-shipped | python 3.11.7 | python-ws | python-binding | 2.15.1 | python's glue |",
    )
    expect(compareReports(input(threeRounds(), { provenance: { ...provenance, dirty: false } }))).toContain(
      ', tree clean',
    )
    expect(
      compareReports(input(threeRounds(), { provenance: { ...provenance, commit: 'unknown', dirty: 'unknown' } })),
    ).toContain('- Project: commit unknown')
  })

  test('an input saved before provenance was recorded still renders', () => {
    const md = compareReports(input(threeRounds()))
    expect(md).not.toContain('- Project:')
    expect(md).toContain('| go | as-shipped |')
  })
})

describe('the latency headline: exchange→ack', () => {
  // a 30-s race on a busy machine: pipeline p99 57.8–59.6 ms for all four ("within noise"), while
  // node's exchange→ack p99 read 6,533 ms: its frames queued in its socket before it read them
  const fellBehind = () =>
    [1, 2, 3, 4].map((round) =>
      FOUR.map((c) =>
        makeReport(c, round, (r) => {
          r.latency.pipeline.p99Us = 59_000 + 200 * round
          r.latency.exchangeToAck.p99Us = c === 'node' ? 6_533_000 + 10_000 * round : 68_000 + 500 * round
          r.latency.exchangeToAck.p999Us = r.latency.exchangeToAck.p99Us * 1.2
          r.latency.exchangeToAck.maxUs = r.latency.exchangeToAck.p99Us * 1.3
        }),
      ),
    )

  test('a contender behind the feed is named in the verdict, though its pipeline p99 equals the others’', () => {
    const md = compareReports(input(fellBehind()))
    const verdictOf = (label: string) => {
      const section = md.slice(md.indexOf('## Verdict'))
      return rowOf(section, label)
    }
    expect(verdictOf('Latency: exchange→ack p99')).toContain('than node')
    expect(verdictOf('Latency: exchange→ack p99')).not.toContain('within noise of node')
    expect(verdictOf('Latency: behind the feed')).toContain('**node** fell behind the feed')
    for (const c of ['bun', 'go', 'python']) expect(verdictOf('Latency: behind the feed')).not.toContain(`**${c}**`)
    // pipeline alone would have called it a tie: it is the breakdown, with no verdict of its own
    expect(verdictOf('Latency: pipeline p99')).toBeUndefined()
    expect(md).toContain('**latency: exchange→ack p99** (the headline)')
    expect(md).toContain('of which pipeline p99 (frame read → ack)')
  })

  test('says nobody fell behind when every frame was read soon after it was sent', () => {
    const md = compareReports(input(threeRounds()))
    expect(md).toContain('Falling behind the feed: none: every contender read its frames within 50.0 ms')
    expect(md).toContain('intended send time')
  })

  test('with the live exchange, says what the figure means and how far it can be trusted', () => {
    const rounds = threeRounds().map((round) =>
      round.map((r) => ({
        ...r,
        latency: { ...r.latency, exchangeToAck: { ...r.latency.exchangeToAck, minUs: 4200 } },
      })),
    )
    const md = compareReports(input(rounds, { feed: undefined }))
    expect(md).toContain('on Upbit’s clock')
    expect(md).toContain('The smallest exchange→ack any contender saw was 4.20 ms')
    expect(md).toContain('Trust the differences between contenders of one concurrent run')
    // a ladder records no race feed but always ran on the local one
    const ladder = { boundP99Us: 100_000, steps: [], saturation: { go: 50_000 }, limits: [] }
    const local = compareReports(input(rounds, { feed: undefined, ladder }))
    expect(local).not.toContain('Live exchange')
    expect(local).toContain('intended send time')
  })
})

describe('spread', () => {
  test('median of an even count is the mean of the middle two', () => {
    // four rounds: the median's interval is min–max
    expect(spreadOf([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, lo: 1, hi: 4, n: 4 })
  })
  test('latency switches from µs to ms and keeps one unit for the range', () => {
    expect(formatSpread(spreadOf([850, 900, 1200]), UNITS.latency)).toBe('900 µs (850–1,200)')
    expect(formatSpread(spreadOf([1500, 1700, 2100]), UNITS.latency)).toBe('1.70 ms (1.50–2.10)')
  })
})

describe('refuseMismatched', () => {
  test('accepts reports made with the same librdkafka and settings', () => {
    expect(() => refuseMismatched(threeRounds().flat())).not.toThrow()
  })

  test('names the contenders and the differing setting', () => {
    const go = makeReport('go', 1, (r) => void (r.producerSettings['linger.ms'] = '5'))
    expect(() => refuseMismatched([makeReport('bun'), makeReport('node'), go])).toThrow(
      /linger\.ms differs \(bun, node: 10; go: 5\)/,
    )
  })

  test('names a setting only one side has', () => {
    const bun = makeReport('bun', 1, (r) => void (r.producerSettings['socket.nagle.disable'] = 'true'))
    expect(() => refuseMismatched([bun, makeReport('go')])).toThrow(
      /socket\.nagle\.disable differs \(bun: true; go: \(unset\)\)/,
    )
  })

  test('names the differing librdkafka version', () => {
    const node = makeReport('node', 1, (r) => void (r.librdkafka.version = '2.11.1'))
    expect(() => refuseMismatched([makeReport('bun'), node])).toThrow(
      /librdkafka version differs \(bun: 2\.15\.1; node: 2\.11\.1\)/,
    )
  })
})
