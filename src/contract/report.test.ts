import { expect, test } from 'bun:test'
import { makeReport } from '../comparison/fixture.ts'
import { Report, reportPath } from './report.ts'

test('a report survives JSON and back unchanged (the file format is the schema)', () => {
  for (const contender of ['bun', 'node', 'go'] as const) {
    const report = makeReport(contender)
    expect(Report.parse(JSON.parse(JSON.stringify(report)))).toEqual(report)
  }
})

test('a broken report is refused, naming the field', () => {
  const report = JSON.parse(JSON.stringify(makeReport('go')))
  report.messages.delivered = -1
  const parsed = Report.safeParse(report)
  expect(parsed.success).toBe(false)
  expect(parsed.error!.issues[0]!.path).toEqual(['messages', 'delivered'])
  delete report.latency
  report.messages.delivered = 1
  expect(Report.safeParse(report).error!.issues[0]!.path).toEqual(['latency'])
})

test('each contender writes to its own file', () => {
  expect(reportPath('reports', 'node')).toBe('reports/node_performance_report.json')
})
