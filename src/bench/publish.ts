/**
 * @module bench/publish
 * Everything a run leaves behind, where users look: the comparison
 * (reports/performance_comparison_report.md, the same as one self-contained interactive page
 * reports/performance_comparison_report.html, its input JSON and the tidy
 * reports/performance_comparison.csv), the raw latency histograms (reports/histograms/*.hgrm),
 * the charts (charts/performance_comparison.png, latency_percentiles.png), and each
 * contender's latest report at the original project's path
 * reports/{contender}_performance_report.json. The history stays under reports/runs/<id>/, with
 * the run's provenance.json (commit, tree state, command line, contenders' registry entries). Returns the failures it found (mismatched settings, a soak leak). Every
 * file is written atomically and never through a planted link (src/atomic-write.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { chartList } from '../comparison/chart-list.ts'
import { renderCharts } from '../comparison/charts.ts'
import { compareReports, refuseMismatched, type ComparisonInput, type LadderResult } from '../comparison/compare.ts'
import { comparisonCsv } from '../comparison/csv.ts'
import { exportHistograms } from '../comparison/histogram-export.ts'
import { comparisonHtml } from '../comparison/html.ts'
import type { BrokerFacts, FloorRow, Provenance } from '../comparison/input.ts'
import { reportPath, type Report } from '../contract/report.ts'
import { recordedRate, type Recording } from '../feed/replay.ts'
import type { Feed, FeedStats } from '../feed/server.ts'
import { ROOT } from '../paths.ts'
import { writeFileAtomic } from '../atomic-write.ts'
import type { AuditResult } from './audit.ts'
import { readEnvironment } from './environment.ts'
import type { BenchOptions } from './options.ts'
import { commandLine, contendersThatRan, gitState } from './provenance.ts'
import { soakSection, soakVerdict } from './soak.ts'

export interface PublishInput {
  o: BenchOptions
  rounds: Report[][]
  audits: AuditResult[]
  startedAt: Date
  runDir: string
  feed?: Feed
  /** the recording the feed played (--source replay:FILE) */
  recording?: Recording
  argv: string[]
  extra: {
    ladder?: LadderResult
    feedWindows?: FeedStats[]
    floor?: FloorRow
    brokerCores?: number[]
    machineBusy?: number[]
    /** per round, the contenders' start (isolated: run) order */
    order?: string[][]
  }
  broker: Omit<BrokerFacts, 'cores'>
  /** the project's commit and tree state when the run started (read now when absent) */
  project?: Pick<Provenance, 'commit' | 'dirty'>
}

/** The worst window the feed had (lag over the windows, not over set-up and audits). */
function feedFigures(i: PublishInput, reports: Report[]): ComparisonInput['feed'] {
  if (!i.feed || i.o.ladder) return undefined
  const windows = i.extra.feedWindows?.length ? i.extra.feedWindows : [i.feed.stats()]
  const played = i.recording
  return {
    rate: played ? recordedRate(played) : i.o.rate,
    profile: played
      ? `replay of ${basename(played.path)} (${played.frames.length} frames over ${(played.spanMs / 1000).toFixed(1)} s, looped)`
      : i.o.profile,
    // a recording has no seed
    seed: played ? undefined : i.o.seed,
    markets: reports[0]!.markets.count,
    lagP99Us: Math.max(...windows.map((w) => w.lag.p99Us)),
    behind: windows.some((w) => w.behind),
  }
}

/** Each contender's report of the last round it finished, copied to the original project's path. */
function publishLatestReports(rounds: Report[][], runDir: string, outDir: string): string[] {
  const written: string[] = []
  const latest = new Map<string, number>()
  rounds.forEach((round, r) => round.forEach((report) => latest.set(report.contender, r)))
  for (const [contender, r] of latest) {
    const to = reportPath(outDir, contender as Report['contender'])
    writeFileAtomic(to, readFileSync(reportPath(join(runDir, `round-${r + 1}`), contender as Report['contender'])))
    written.push(to)
  }
  return written
}

export async function publish(i: PublishInput): Promise<string[]> {
  const failures: string[] = []
  const reports = i.rounds.flat()
  try {
    refuseMismatched(reports)
  } catch (error) {
    failures.push((error as Error).message)
  }
  const outDir = resolve(ROOT, i.o.out)
  mkdirSync(outDir, { recursive: true })
  const provenance: Provenance = {
    ...(i.project ?? gitState()),
    commandLine: commandLine(i.argv),
    contenders: contendersThatRan(reports),
  }
  const input: ComparisonInput = {
    rounds: i.rounds,
    mode: i.o.ladder ? 'isolated' : i.o.mode,
    order: i.extra.order,
    environment: readEnvironment(),
    settings: reports[0]!.producerSettings,
    feed: feedFigures(i, reports),
    audit: i.audits,
    startedAt: i.startedAt.toISOString(),
    commandLine: provenance.commandLine,
    provenance,
    warmupS: i.o.warmup,
    floor: i.extra.floor,
    broker: { ...i.broker, cores: i.broker.external ? undefined : i.extra.brokerCores },
    ladder: i.extra.ladder,
    machineBusy: i.extra.machineBusy,
  }
  const chartsDir = resolve(ROOT, i.o.charts)
  let markdown = compareReports(input, { charts: relative(outDir, chartsDir) || '.' })
  if (i.o.soak) {
    const verdicts = reports.map(soakVerdict)
    markdown += `\n${soakSection(verdicts)}`
    for (const v of verdicts.filter((x) => x.flagged)) {
      failures.push(
        `soak ${v.contender}: RSS grew ${(v.growthBytes / 1048576).toFixed(1)} MB (${(v.growthFraction * 100).toFixed(1)} %)`,
      )
    }
  }
  const mdPath = join(outDir, 'performance_comparison_report.md')
  writeFileAtomic(mdPath, markdown)
  // built from the markdown as written (redacted), never from the raw reports
  const htmlPath = join(outDir, 'performance_comparison_report.html')
  writeFileAtomic(htmlPath, comparisonHtml(markdown, chartList(input)))
  // everything the markdown and charts were made from, to re-render or compare later
  writeFileAtomic(join(outDir, 'performance_comparison_input.json'), JSON.stringify(input))
  const csvPath = join(outDir, 'performance_comparison.csv')
  writeFileAtomic(csvPath, comparisonCsv(input))
  writeFileAtomic(join(i.runDir, 'performance_comparison_report.md'), markdown)
  // the run's history records what it was made from beside its reports
  writeFileAtomic(join(i.runDir, 'provenance.json'), `${JSON.stringify(provenance, null, 2)}\n`)
  const copies = i.o.ladder ? [] : publishLatestReports(i.rounds, i.runDir, outDir)
  const histograms = exportHistograms(i.rounds, outDir)
  const charts = await renderCharts(input, chartsDir)
  console.log(`\ncomparison: ${mdPath}\nhtml:       ${htmlPath}\ncsv:        ${csvPath}\nchart:      ${charts.png}`)
  if (histograms.written.length > 0)
    console.log(`histograms: ${histograms.dir} (${histograms.written.length} .hgrm files)`)
  for (const note of histograms.notes) console.log(`histograms: ${note}`)
  if (i.extra.ladder) console.log(`ladder:     ${resolve(ROOT, i.o.charts, 'ladder.png')}`)
  if (copies.length > 0) console.log(`reports:    ${copies.join(', ')}\nhistory:    ${i.runDir}`)
  return failures
}
