import { describe, expect, test } from 'bun:test'
import type { Report } from '../contract/report.ts'
import { compareReports, reportsByContender } from './compare.ts'
import { comparisonInput, makeReport } from './fixture.ts'
import { gridSection } from './grid-section.ts'

/** go as shipped and go tuned (its CPU per message halved), bun-tuned and python, over five rounds */
function rounds(): Report[][] {
  return [1, 2, 3, 4, 5].map((round) => [
    makeReport('bun-tuned', round, (r) => {
      r.runtime.name = 'bun'
    }),
    makeReport('go', round),
    makeReport('go-tuned', round, (r) => {
      r.runtime.name = 'go'
      r.cpu.usPerDeliveredMessage = makeReport('go', round).cpu.usPerDeliveredMessage / 2
    }),
    makeReport('python', round),
  ])
}

describe('the runtime × tier grid', () => {
  test('one row per runtime, each contender in its tier’s column, the glue share where both tiers raced', () => {
    const input = comparisonInput(rounds())
    const grid = gridSection(input, reportsByContender(input.rounds))
    const row = (runtime: string) => grid.split('\n').find((l) => l.startsWith(`| ${runtime} |`))!
    expect(grid).toContain('| runtime | as-shipped | tuned | glue share (CPU) |')
    const go = row('go').split(' | ')
    expect(go[1]).toContain('**go**: CPU ')
    expect(go[2]).toContain('**go-tuned**: CPU ')
    // as shipped costs twice the tuned in every round: the ratio is 2 and its interval holds only 2
    expect(go[3]).toContain('go ÷ go-tuned: ×2.00')
    expect(row('bun').split(' | ')[1]).toBe('—')
    expect(row('bun').split(' | ')[2]).toContain('**bun-tuned**')
    expect(row('python').split(' | ')[1]).toContain('**python**')
    expect(row('python')).toEndWith('| — |')
    expect(grid).toContain('exchange→ack p99 ')
    expect(grid).not.toContain('floor')
  })

  test('with the floor each cell’s CPU reads ×floor', () => {
    const input = comparisonInput(rounds(), { floor })
    const grid = gridSection(input, reportsByContender(input.rounds))
    expect(grid).toMatch(/\*\*go\*\*: CPU [\d.]+ µs\/msg \([\d.–]+\) \(×[\d.]+ floor\)/)
    expect(compareReports(input)).toContain('## Runtime × tier')
  })

  // a ladder's reports are each contender's highest sustained step, each at its own rate: the
  // grid of a ladder must read what the ladder measured alike (here go-tuned's best step is the
  // dearer report, yet at 2,000 msg/s, every round, it costs half of go's)
  test('a ladder’s grid reads its per-round figures, not the best steps’ reports', () => {
    const ladder = {
      boundP99Us: 100_000,
      steps: [1, 2, 3].flatMap((round) =>
        ['go', 'go-tuned'].map((c) =>
          ladderStep(c, round, 2000, c === 'go' ? 40 + round : 20 + round / 2, c === 'go' ? 60e6 : 40e6),
        ),
      ),
      saturation: { go: 50_000, 'go-tuned': 60_000 },
      saturationByRound: { go: [49_000, 50_000, 51_000], 'go-tuned': [59_000, 60_000, 61_000] },
      limits: [],
      floor: [floor],
    }
    const reports = rounds().map((round) =>
      round.map((r) => {
        if (r.contender === 'go-tuned') r.cpu.usPerDeliveredMessage = 500
        return r
      }),
    )
    const input = comparisonInput(reports, { floor, ladder })
    const grid = gridSection(input, reportsByContender(input.rounds))
    const go = grid
      .split('\n')
      .find((l) => l.startsWith('| go |'))!
      .split(' | ')
    expect(go[1]).toContain(
      '**go**: saturation 50,000 msg/s (49,000–51,000); at 2,000 msg/s: CPU 42.0 µs/msg (41.0–43.0) (×4.20 floor), RSS max 60.0 MB',
    )
    expect(go[2]).toContain('**go-tuned**: saturation 60,000 msg/s')
    expect(go[3]).toMatch(/go ÷ go-tuned: ×2\.0\d/)
    expect(grid).not.toContain('500 µs/msg')
    expect(grid).toContain('glue share (CPU at the first rate)')
  })
})

const floor = {
  ratePerSec: 2000,
  cpuUsPerMessage: 10,
  ackP50Us: 1,
  ackP99Us: 2,
  dueToAckP99Us: 3,
  delivered: 1,
  behind: false,
}

function ladderStep(contender: string, round: number, rate: number, cpu: number, rss: number) {
  return {
    contender,
    round,
    probe: 'step' as const,
    askedPerSec: rate,
    offeredPerSec: rate,
    deliveredPerSec: rate,
    deliveredFraction: 1,
    processingP99Us: 10,
    ackP99Us: 10_000,
    pipelineP50Us: 5_000,
    pipelineP99Us: 10_000,
    pipelineP999Us: 12_000,
    rssMaxBytes: rss,
    cpuUsPerMessage: cpu,
    sustained: true,
  }
}

describe('the verdicts per tier', () => {
  /** four contenders whose tiers the run recorded: two as shipped, two tuned, one clearly cheapest in each */
  function tiered() {
    const cpu: Record<string, number> = { alpha: 100, beta: 300, 'alpha-tuned': 20, 'beta-tuned': 80 }
    const rounds = [1, 2, 3, 4, 5].map((round) =>
      Object.keys(cpu).map((name) =>
        makeReport(name, round, (r) => {
          r.runtime.name = name.replace('-tuned', '')
          r.cpu.usPerDeliveredMessage = cpu[name]! * (1 + round / 100)
        }),
      ),
    )
    const entry = (name: string) => ({
      name,
      runtime: name.replace('-tuned', ''),
      websocket: 'ws',
      binding: 'librdkafka',
      tier: name.endsWith('-tuned') ? 'tuned' : 'as-shipped',
      glue: 'glue',
    })
    const provenance = {
      commit: 'abc',
      dirty: false,
      commandLine: 'bun run bench',
      contenders: Object.keys(cpu).map(entry),
    }
    return comparisonInput(rounds, { provenance })
  }

  test('each tier names its own cheapest runtime, judged only among its own contenders', () => {
    const input = tiered()
    const grid = gridSection(input, reportsByContender(input.rounds))
    const line = (tier: string) =>
      grid.split('\n').find((l) => l.includes('CPU per delivered message') && l.includes(`| ${tier} |`))!
    expect(grid).toContain('|\n\n### Verdicts per tier')
    expect(line('as-shipped')).toContain('**alpha** is 3.00× cheaper than beta')
    expect(line('tuned')).toContain('**alpha-tuned** is 4.00× cheaper than beta-tuned')
    // the tuned verdict does not compare across tiers
    expect(line('tuned')).not.toMatch(/\balpha\b(?!-)/)
  })

  test('a ladder’s tiers are judged on its per-round figures: saturation point, CPU and RSS at the first rate', () => {
    const input = tiered()
    const sat: Record<string, number> = { alpha: 30_000, beta: 10_000, 'alpha-tuned': 60_000, 'beta-tuned': 59_000 }
    const ladder = {
      boundP99Us: 100_000,
      steps: [1, 2, 3, 4, 5].flatMap((round) =>
        Object.keys(sat).map((c) => ladderStep(c, round, 2000, 100 + round, 50e6 + round)),
      ),
      saturation: sat,
      saturationByRound: Object.fromEntries(
        Object.entries(sat).map(([c, x]) => [c, [1, 2, 3, 4, 5].map((i) => x + i)]),
      ),
      limits: [],
    }
    const grid = gridSection({ ...input, ladder }, reportsByContender(input.rounds))
    const line = (label: string, tier: string) =>
      grid.split('\n').find((l) => l.startsWith(`| Ladder: ${label} | ${tier} |`))!
    expect(line('saturation point', 'as-shipped')).toContain('**alpha** is 3.00× higher than beta')
    // 60,000 against 59,000: an interval that excludes 1, but a gap under the 5 % threshold
    expect(line('saturation point', 'tuned')).toContain('within 5 %')
    expect(grid).not.toContain('CPU per delivered message |')
  })

  test('one tier raced alone: its verdicts are the overall ones, not repeated', () => {
    const input = tiered()
    const shipped = new Map([...reportsByContender(input.rounds)].filter(([c]) => !c.endsWith('-tuned')))
    expect(gridSection(input, shipped)).not.toContain('Verdicts per tier')
  })

  test('no tier with two contenders: no per-tier verdicts', () => {
    const input = comparisonInput(rounds())
    const only = new Map([...reportsByContender(input.rounds)].filter(([c]) => c === 'go' || c === 'go-tuned'))
    expect(gridSection(input, only)).not.toContain('Verdicts per tier')
  })
})
