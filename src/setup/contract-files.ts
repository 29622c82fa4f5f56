/**
 * @module setup/contract-files
 * Writes the machine-readable copies of the contract (src/contract) that other languages and the
 * docs read: JSON Schema of the report and the event lines, the env table, the rules, and the env
 * table in docs/contenders.md. Set-up runs it; a test fails when a checked-in copy is stale, so
 * the contract has one source and cannot drift.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { ENV, flagName, type EnvVar } from '../contract/env.ts'
import { BenchEvent } from '../contract/events.ts'
import { Report } from '../contract/report.ts'
import {
  BACKOFF,
  CHANNELS,
  CONSUMER_ONLY_PROPERTIES,
  EXIT,
  INVALID_SAMPLES,
  MARKET_LIST,
  SECRETS,
  SETTINGS_FILE,
  START_HORIZON,
  STATUS,
  STATUS_CODES,
  STDIN,
  TIMING,
} from '../contract/rules.ts'
import { summarizeValues } from '../contract/histogram.ts'

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

const DOC = 'docs/contenders.md'
const TABLE_START = '<!-- env-table: generated from src/contract/env.ts by set-up; do not edit -->'
const TABLE_END = '<!-- /env-table -->'

/** Deterministic samples (a small LCG), so the vectors never change unless the semantics do. */
function samples(n: number, seed: number, scale: number): number[] {
  let x = seed
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    const u = x / 2 ** 31
    // heavy-tailed like latencies: most small, a few orders of magnitude larger
    return Math.floor(scale * u ** 4 * 1000) / 1000
  })
}

/**
 * Shared test vectors of the latency summary: the same samples must read out the same on every
 * contender (µs, 3 significant digits, zeros counted, HDR value at percentile).
 */
function histogramVectors(): unknown {
  const cases: [string, number[]][] = [
    ['empty', []],
    ['zeros count in min', [0, 0, 5, 17]],
    ['one value', [1234]],
    ['1..1000', Array.from({ length: 1000 }, (_, i) => i + 1)],
    // p99 of 1,070 samples falls between ranks (1059.3): HdrHistogram takes the rank up, ceil(p·N);
    // hdrhistogram-go and Python's hdrhistogram round it to the nearest unless told otherwise
    ['1..1070: a rank between two samples is taken up', Array.from({ length: 1070 }, (_, i) => i + 1)],
    ['heavy tail, 10,000 samples up to 5 s', samples(10_000, 42, 5_000_000)],
    ['fractions round to whole µs', [0.4, 0.6, 1.5, 2.49, 999.5]],
  ]
  return {
    source: 'src/contract/histogram.ts',
    cases: cases.map(([name, values]) => ({ name, values, summary: summarizeValues(values) })),
  }
}

function schemaFiles(): Record<string, string> {
  return {
    'report.schema.json': json({
      ...z.toJSONSchema(Report, { target: 'draft-2020-12' }),
      title: 'upbit-kafka-bench contender report (src/contract/report.ts)',
    }),
    'events.schema.json': json({
      ...z.toJSONSchema(BenchEvent, { target: 'draft-2020-12' }),
      title: 'upbit-kafka-bench @bench event line (src/contract/events.ts)',
    }),
    'contender-env.json': json({ source: 'src/contract/env.ts', variables: ENV }),
    'contract-rules.json': json({
      source: 'src/contract/rules.ts',
      channels: CHANNELS,
      timing: TIMING,
      backoff: BACKOFF,
      exit: EXIT,
      status: STATUS,
      statusCodes: STATUS_CODES,
      marketList: MARKET_LIST,
      startHorizon: START_HORIZON,
      stdin: STDIN,
      settingsFile: SETTINGS_FILE,
      invalidSamples: INVALID_SAMPLES,
      secrets: SECRETS,
      consumerOnlyProperties: CONSUMER_ONLY_PROPERTIES,
    }),
    'histogram-vectors.json': json(histogramVectors()),
  }
}

function defaultCell(v: EnvVar): string {
  if (v.default === undefined) return v.defaultText ?? '—'
  return v.default === '' ? 'empty' : `\`${v.default}\``
}

function valuesCell(v: EnvVar): string {
  if (v.type === 'int') return `integer ${v.min}–${v.max}`
  if (v.type === 'enum') return v.values!.map((x) => `\`${x}\``).join(' \\| ')
  if (v.pattern) return `${v.type} \`${v.pattern}\``
  return v.type
}

export function envTableMarkdown(): string {
  const rows = ENV.map(
    (v) => `| \`${v.name}\` | \`${flagName(v.name)}\` | ${defaultCell(v)} | ${valuesCell(v)} | ${v.meaning} |`,
  )
  return ['| env | flag | default | values | meaning |', '|---|---|---|---|---|', ...rows].join('\n')
}

function withEnvTable(doc: string): string {
  const from = doc.indexOf(TABLE_START)
  const to = doc.indexOf(TABLE_END)
  if (from < 0 || to < from) throw new Error(`${DOC} lacks the env-table markers`)
  return `${doc.slice(0, from + TABLE_START.length)}\n${envTableMarkdown()}\n${doc.slice(to)}`
}

/** Every generated file, keyed by its path from the repository root. */
export function contractFiles(root: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const [name, text] of Object.entries(schemaFiles())) {
    files[`schemas/${name}`] = text
    // go:embed cannot reach outside the Go module, so Go gets its own checked-in copy
    files[`go/internal/contract/${name}`] = text
  }
  files[DOC] = withEnvTable(readFileSync(join(root, DOC), 'utf8'))
  return files
}

/** Paths whose checked-in text differs from what the contract generates. */
export function staleContractFiles(root: string): string[] {
  return Object.entries(contractFiles(root))
    .filter(([path, text]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== text)
    .map(([path]) => path)
}

export function writeContractFiles(root: string): string[] {
  const stale = staleContractFiles(root)
  const files = contractFiles(root)
  for (const path of stale) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), files[path]!)
  }
  return stale
}
