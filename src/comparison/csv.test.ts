import { describe, expect, test } from 'bun:test'
import { comparisonCsv, CSV_COLUMNS, csvField, metricName, POOLED_ROUND } from './csv.ts'
import { comparisonInput, makeReport } from './fixture.ts'
import type { ComparisonInput } from './input.ts'
import { METRIC_GROUPS } from './metrics.ts'
import { pool, roundReports } from './pooled.ts'

const FOUR = ['bun', 'node', 'go', 'python'] as const

function input(): ComparisonInput {
  return comparisonInput(
    [1, 2, 3].map((r) =>
      FOUR.map((c) =>
        makeReport(c, r, (x) => {
          if (c === 'node') x.latency.exchangeToAck.p99Us = 6_533_000 + r
        }),
      ),
    ),
  )
}

/** the CSV read back as records (the fields this project writes need no unquoting) */
function parse(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\r\n')
  const columns = head!.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])))
}

describe('performance_comparison.csv', () => {
  const text = comparisonCsv(input())
  const rows = parse(text)
  const metrics = METRIC_GROUPS.flatMap((g) => g.metrics).length

  test('is tidy: a header, then one row per contender × round × metric, each once', () => {
    expect(text.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','))
    expect(text.endsWith('\r\n')).toBe(true)
    // and per contender, exchange→ack and pipeline over all samples: samples, p50, p99, p99.9, max
    expect(rows.length).toBe(FOUR.length * 3 * metrics + FOUR.length * 2 * 5)
    const keys = new Set(rows.map((r) => `${r.contender}|${r.round}|${r.metric}`))
    expect(keys.size).toBe(rows.length)
    for (const r of rows) {
      expect(Object.keys(r)).toEqual([...CSV_COLUMNS])
      expect(Number.isFinite(Number(r.value))).toBe(true)
    }
  })

  test('holds the reports’ own values, unrounded, in the unit each row names', () => {
    const find = (contender: string, round: string, metric: string) =>
      rows.find((r) => r.contender === contender && r.round === round && r.metric === metric)
    expect(find('node', '2', 'latency.exchange_to_ack_p99')).toEqual({
      contender: 'node',
      round: '2',
      metric: 'latency.exchange_to_ack_p99',
      unit: 'us',
      value: '6533002',
    })
    const rss = makeReport('go', 3).memory.rssBytes.avg
    expect(find('go', '3', 'memory.rss_avg')).toMatchObject({ unit: 'bytes', value: String(rss) })
    expect(find('bun', '1', 'throughput.delivered')!.unit).toBe('msg/s')
    expect(find('bun', '1', 'totals.delivered')!.unit).toBe('count')
    expect(find('bun', '1', 'cpu.cpu_per_delivered_message')!.unit).toBe('us/msg')
    expect(find('bun', '1', 'librdkafka_statistics.batch_size_avg_bytes')!.unit).toBe('bytes')
    expect(find('python', '1', 'latency.pipeline_p99_9')).toBeUndefined()
    expect(find('python', '1', 'latency.pipeline_p999')!.unit).toBe('us')
  })

  test('rows with round "pooled" hold the percentiles over all samples of the rounds', () => {
    const pooledInput = input()
    const result = pool(roundReports(pooledInput.rounds, 'go'))
    if (!('pooled' in result)) throw new Error(result.note)
    const go = rows.filter((r) => r.contender === 'go' && r.round === POOLED_ROUND)
    expect(go.map((r) => `${r.metric},${r.unit}`)).toEqual([
      'latency.exchange_to_ack_samples,count',
      'latency.exchange_to_ack_p50,us',
      'latency.exchange_to_ack_p99,us',
      'latency.exchange_to_ack_p999,us',
      'latency.exchange_to_ack_max,us',
      'latency.pipeline_samples,count',
      'latency.pipeline_p50,us',
      'latency.pipeline_p99,us',
      'latency.pipeline_p999,us',
      'latency.pipeline_max,us',
    ])
    const p99 = go.find((r) => r.metric === 'latency.exchange_to_ack_p99')!
    expect(p99.value).toBe(String(result.pooled.figures.exchangeToAck.p99Us))
    const samples = go.find((r) => r.metric === 'latency.exchange_to_ack_samples')!
    const perRound = pooledInput.rounds.flat().filter((r) => r.contender === 'go')
    expect(samples.value).toBe(String(perRound.reduce((n, r) => n + r.latency.exchangeToAck.count, 0)))
  })

  test('reports without histograms (older runs) give no pooled rows, and the rest stands', () => {
    const old = input()
    for (const r of old.rounds.flat()) delete (r.latency as { histograms?: unknown }).histograms
    const oldRows = parse(comparisonCsv(old))
    expect(oldRows.length).toBe(FOUR.length * 3 * metrics)
    expect(oldRows.some((r) => r.round === POOLED_ROUND)).toBe(false)
  })

  test('metric names are stable slugs of the markdown’s group and row', () => {
    expect(metricName('Latency', 'exchange→ack p99.9')).toBe('latency.exchange_to_ack_p999')
    expect(metricName('Timing', 'time accuracy (measured − target)')).toBe('timing.time_accuracy_measured_target')
  })

  test('a field holding a comma, a quote or a line end is quoted', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
  })
})
