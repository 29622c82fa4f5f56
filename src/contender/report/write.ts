/**
 * @module report/write
 * Validates a report against the contract before it touches disk: a report that does not match
 * the schema is a bug in the contender, reported with the path of the first bad field. Written
 * atomically, never through a link planted at its path (src/atomic-write.ts).
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Report, reportPath } from '../../contract/report.ts'
import { writeFileAtomic } from '../../atomic-write.ts'

export class ReportError extends Error {
  override name = 'ReportError'
}

/** Validates and writes `{dir}/{contender}_performance_report.json`; returns the path. */
export function writeReport(dir: string, report: Report): string {
  const parsed = Report.safeParse(report)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ReportError(`report does not match the schema at ${issue.path.join('.')}: ${issue.message}`)
  }
  const path = reportPath(dir, parsed.data.contender)
  mkdirSync(dirname(path), { recursive: true })
  writeFileAtomic(path, JSON.stringify(parsed.data, null, 2) + '\n')
  return path
}
