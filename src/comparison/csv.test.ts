import { describe, expect, test } from 'bun:test'
import { comparisonCsv, CSV_COLUMNS, csvField, metricName } from './csv.ts'
import { makeReport, SETTINGS } from './fixture.ts'
import type { ComparisonInput } from './input.ts'
import { METRIC_GROUPS } from './metrics.ts'

const FOUR = ['bun', 'node', 'go', 'python'] as const

function input(): ComparisonInput {
  return {
    rounds: [1, 2, 3].map((r) =>
      FOUR.map((c) =>
        makeReport(c, r, (x) => {
          if (c === 'node') x.latency.exchangeToAck.p99Us = 6_533_000 + r
        }),
      ),
    ),
    mode: 'concurrent',
    environment: {
      cpuModel: 'x',
      cpus: 2,
      memoryBytes: 1e9,
      os: 'linux',
      bunVersion: '1',
      javaVersion: '1',
      librdkafkaVersion: '2.15.1',
      kafkaVersion: '4.1.0',
    },
    settings: SETTINGS,
    audit: [],
    startedAt: '2026-01-02T03:04:05.000Z',
    commandLine: 'bun run bench',
  }
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
    expect(rows.length).toBe(FOUR.length * 3 * metrics)
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
