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

  test('with the floor each cell’s CPU reads ×floor; with a ladder each cell names its saturation point', () => {
    const floor = {
      ratePerSec: 2000,
      cpuUsPerMessage: 10,
      ackP50Us: 1,
      ackP99Us: 2,
      dueToAckP99Us: 3,
      delivered: 1,
      behind: false,
    }
    const ladder = { boundP99Us: 100_000, steps: [], saturation: { go: 50_000 }, limits: [] }
    const input = comparisonInput(rounds(), { floor, ladder })
    const grid = gridSection(input, reportsByContender(input.rounds))
    expect(grid).toMatch(/\*\*go\*\*: CPU [\d.]+ µs\/msg \([\d.–]+\) \(×[\d.]+ floor\)/)
    expect(grid).toContain('saturation 50,000 msg/s')
    expect(compareReports(input)).toContain('## Runtime × tier')
  })
})

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
