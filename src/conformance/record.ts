/**
 * @module conformance/record
 * What a conformance run proved, kept per contender under .cache/conformance/NAME.json and tied to
 * the contender's build (a hash of its declared sources): the bench lets a contender race only if
 * its latest record for that build has no failed check.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { XMLParser } from 'fast-xml-parser'
import { z } from 'zod'
import { CACHE, ROOT } from '../paths.ts'
import type { ContenderEntry } from '../registry/entry.ts'
import { hashFiles } from '../setup/step.ts'

export const CheckResult = z.object({
  file: z.string(),
  /** the describe path and the test's name */
  check: z.string(),
  outcome: z.enum(['passed', 'failed', 'skipped']),
  seconds: z.number().nonnegative(),
  /** the first line of the failure, when it failed */
  failure: z.string().optional(),
})
export type CheckResult = z.infer<typeof CheckResult>

export const ConformanceRecord = z.object({
  contender: z.string(),
  build: z.string(),
  atMs: z.number(),
  checks: z.array(CheckResult),
})
export type ConformanceRecord = z.infer<typeof ConformanceRecord>

/** Where records live; CONFORMANCE_RECORDS_DIR moves them (the bench's own tests race with none). */
export const RECORDS_DIR = process.env.CONFORMANCE_RECORDS_DIR || join(CACHE, 'conformance')
const MAX_RECORD_BYTES = 4 * 1024 * 1024

/** The build a record proves: the content of the contender's declared sources. */
export function buildHash(entry: ContenderEntry): string {
  return hashFiles(entry.sources.map((s) => join(ROOT, s)))
}

interface JUnitCase {
  '@_name': string
  '@_classname'?: string
  '@_file'?: string
  '@_time'?: string
  failure?: { '@_message'?: string } | string
  skipped?: unknown
}

/** Every testcase of a `bun test --reporter=junit` file, nested suites included. */
export function parseJUnit(xml: string): CheckResult[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  })
  const doc = parser.parse(xml) as { testsuites?: { testsuite?: unknown[] } }
  const found: CheckResult[] = []
  const visit = (suite: { testsuite?: unknown[]; testcase?: JUnitCase[]; '@_file'?: string }) => {
    for (const c of suite.testcase ?? []) {
      const failure =
        c.failure === undefined
          ? undefined
          : typeof c.failure === 'string'
            ? c.failure
            : (c.failure['@_message'] ?? 'failed')
      found.push({
        file: c['@_file'] ?? suite['@_file'] ?? '?',
        check: [c['@_classname'], c['@_name']].filter(Boolean).join(' > '),
        outcome: failure !== undefined ? 'failed' : c.skipped !== undefined ? 'skipped' : 'passed',
        seconds: Number(c['@_time'] ?? 0),
        ...(failure !== undefined ? { failure: failure.split('\n')[0]!.slice(0, 200) } : {}),
      })
    }
    for (const child of suite.testsuite ?? []) visit(child as typeof suite)
  }
  for (const suite of doc.testsuites?.testsuite ?? []) visit(suite as Parameters<typeof visit>[0])
  return found
}

export function writeRecord(record: ConformanceRecord, dir = RECORDS_DIR): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${record.contender}.json`)
  // a fresh file renamed over the old one: never written through whatever sits at the path
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, JSON.stringify(record, null, 2) + '\n', { flag: 'wx' })
  renameSync(temp, path)
  return path
}

export function readRecord(contender: string, dir = RECORDS_DIR): ConformanceRecord | undefined {
  const path = join(dir, `${contender}.json`)
  if (!existsSync(path) || statSync(path).size > MAX_RECORD_BYTES) return undefined
  try {
    const parsed = ConformanceRecord.safeParse(JSON.parse(readFileSync(path, 'utf8')))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined // a torn or foreign file proves nothing
  }
}
