/**
 * @module comparison/histogram-export
 * The raw latency histograms as files a user loads into their own tools:
 * `<out>/histograms/<contender>-r<round>-<metric>.hgrm`, one per round, contender and metric
 * (processing, kafkaAck, pipeline, exchangeToAck: the report's `latency.histograms` keys), in
 * HdrHistogram's standard percentile-distribution text (hdr-histogram-js
 * `outputPercentileDistribution`), values in milliseconds as wrk2 and HdrHistogram's plotter
 * (plotFiles.html) expect. The exact encoded histograms stay in the reports. Files of an earlier
 * run in the directory are removed first, so the directory holds one run's histograms; every file
 * is written atomically, and a link planted at the directory is refused.
 */
import { lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../atomic-write.ts'
import type { Report } from '../contract/report.ts'
import { HISTOGRAM_METRICS, reportHistogram } from './pooled.ts'

export const HISTOGRAMS_DIR = 'histograms'

/** Percentile rows per halving of the distance to 100 %: HdrHistogram's default. */
const TICKS_PER_HALF_DISTANCE = 5
/** µs in the histograms, ms in the files. */
const US_PER_MS = 1000

export interface HistogramExport {
  dir: string
  written: string[]
  /** one line per report whose histograms could not be written, saying why */
  notes: string[]
}

/** The directory, made if missing; a link or a file in its place is refused. */
function ensureDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true })
  const stat = lstatSync(dir)
  if (!stat.isDirectory()) throw new Error(`${dir} is not a directory (a link or a file is in its place)`)
}

/** Writes every round's histograms under `<outDir>/histograms/`. */
export function exportHistograms(rounds: Report[][], outDir: string): HistogramExport {
  const dir = join(outDir, HISTOGRAMS_DIR)
  ensureDirectory(dir)
  // unlink never follows a link: a planted one is removed, its target untouched
  for (const name of readdirSync(dir)) if (name.endsWith('.hgrm')) unlinkSync(join(dir, name))
  const written: string[] = []
  const notes: string[] = []
  rounds.forEach((reports, i) => {
    for (const report of reports) {
      const histograms = HISTOGRAM_METRICS.map((metric) => [metric, reportHistogram(report, metric)] as const)
      const problem = histograms.find(([, h]) => typeof h === 'string')?.[1]
      if (typeof problem === 'string') {
        notes.push(`${report.contender} round ${i + 1}: no .hgrm files, its report ${problem}`)
        continue
      }
      for (const [metric, h] of histograms) {
        if (typeof h === 'string') continue
        const path = join(dir, `${report.contender}-r${i + 1}-${metric}.hgrm`)
        writeFileAtomic(path, h.outputPercentileDistribution(TICKS_PER_HALF_DISTANCE, US_PER_MS))
        written.push(path)
      }
    }
  })
  return { dir, written, notes }
}
