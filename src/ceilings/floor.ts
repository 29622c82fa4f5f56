/**
 * @module ceilings/floor
 * The floor: what librdkafka alone costs at a given rate. src/ceilings/limit-producer/ paced open loop
 * (message i due at t0 + i/rate, latency also taken from that due time), with the contenders'
 * settings file, frames, keys and headers, after a warm-up that counts in no figure. The ladder
 * and the race show it as a reference row ("librdkafka alone at this rate") and divide each
 * contender's CPU per message and p99 by it (`timesFloor`).
 *
 * CLI (measure by hand, e.g. against `bun run kafka --port 39092`): a fresh topic per run, rates
 * interleaved run by run, one JSON line per run, then `median (min–max)` per rate:
 *   bun src/ceilings/floor.ts --bootstrap H:P [--rates 2000,10000,50000] [--seconds 20]
 *     [--warmup-seconds 5] [--runs 3] [--partitions 3] [--frames FILE]
 * Without --frames it writes 5,000 of the feed generator's ticker frames (ceilings/frames.ts).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { createTopic } from '../librdkafka/admin.ts'
import { CACHE } from '../paths.ts'
import { execCLimit, type CLimitOutput, type LatencyUs } from './c-producer.ts'
import { tickerFrames, writeFramesFile } from './frames.ts'
import { LimitToolError } from './result.ts'
import { flagIssue, parseCli, usageError, type EntryPoint } from '../entry-point.ts'

export interface CFloorOptions {
  bootstrap: string
  topic: string
  /** a frames file from ceilings/frames.ts (`CODE\tFRAME\n` per record) */
  framesFile: string
  /** the asked rate, msg/s */
  ratePerSec: number
  /** the measured window, s (it holds round(rate × seconds) messages) */
  seconds: number
  /** produced on the same schedule before the window and counted in no figure (default 5) */
  warmupSeconds?: number
  /** the producer settings JSON (default config/producer-settings.json) */
  settingsPath?: string
  /** extra librdkafka properties applied after the settings file */
  properties?: Record<string, string>
  /** the binary (default: the set-up manifest's `limitProducer`) */
  binary?: string
  /** command prefix (CPU pinning), as the contenders get */
  prefix?: string[]
}

export interface CFloorResult {
  name: string
  /** the asked rate, msg/s */
  ratePerSec: number
  /** the rate produce() accepted the window's messages (≈ ratePerSec unless behind) */
  sendRatePerSec: number
  /** measured messages the schedule held; sent; delivered; failed (warm-up excluded) */
  scheduled: number
  sent: number
  delivered: number
  failed: number
  firstError: string | null
  /** (user + system CPU of the whole process, librdkafka's threads included) / delivered, µs */
  cpuUsPerMessage: number
  /** that CPU / the window's wall time */
  coresUsed: number
  /** the process's peak resident set, bytes: librdkafka, its queue and the frames, nothing else */
  rssMaxBytes: number
  /** the part of cpuUsPerMessage spent on the application thread (pacing waits, produce(), delivery
   * reports); the rest is librdkafka's own threads */
  appThreadCpuUsPerMessage: number
  /** produce() → delivery report, µs */
  ackUs: LatencyUs
  /** due time → delivery report, µs: the latency an open-loop feed sees */
  dueToAckUs: LatencyUs
  /** due time → produce() accepted, µs: how far behind schedule the sender was */
  lagUs: LatencyUs
  /** the sender fell behind (lag p99 > 10 ms or messages left unsent): the figures are then not a floor */
  behind: boolean
  warmup: { seconds: number; messages: number; delivered: number; failed: number }
  note: string
  /** the tool's whole JSON line */
  output: CLimitOutput
}

export async function runCFloor(o: CFloorOptions): Promise<CFloorResult> {
  const r = await execCLimit({
    bootstrap: o.bootstrap,
    topic: o.topic,
    framesFile: o.framesFile,
    settingsPath: o.settingsPath,
    properties: o.properties,
    binary: o.binary,
    prefix: o.prefix,
    ratePerSec: o.ratePerSec,
    seconds: o.seconds,
    warmupSeconds: o.warmupSeconds ?? 5,
  })
  if (
    r.mode !== 'paced' ||
    !r.dueToAckUs ||
    !r.lagUs ||
    r.behind === null ||
    r.ratePerSec === null ||
    r.scheduled === null
  ) {
    throw new LimitToolError(`limit-producer: expected a paced run, got mode ${r.mode}`, 0, JSON.stringify(r))
  }
  const avg = r.delivered > 0 ? r.bytes / r.delivered : 0
  const failures = r.failed > 0 ? `, ${r.failed} failed (first: ${r.firstError})` : ''
  return {
    name: `librdkafka alone at ${r.ratePerSec.toLocaleString('en')} msg/s`,
    ratePerSec: r.ratePerSec,
    sendRatePerSec: r.sendRatePerSec,
    scheduled: r.scheduled,
    sent: r.messages,
    delivered: r.delivered,
    failed: r.failed,
    firstError: r.firstError,
    cpuUsPerMessage: r.delivered > 0 ? (r.cpuUserUs + r.cpuSystemUs) / r.delivered : 0,
    coresUsed: r.coresUsed,
    rssMaxBytes: r.maxRssBytes,
    appThreadCpuUsPerMessage: r.delivered > 0 ? r.cpuAppThreadUs / r.delivered : 0,
    ackUs: r.ackUs,
    dueToAckUs: r.dueToAckUs,
    lagUs: r.lagUs,
    behind: r.behind,
    warmup: {
      seconds: r.warmupSeconds,
      messages: r.warmupMessages,
      delivered: r.warmupDelivered,
      failed: r.warmupFailed,
    },
    note:
      `src/ceilings/limit-producer/ paced open loop on librdkafka ${r.librdkafka}, same settings file, ${r.frames} distinct frames of ` +
      `${avg.toFixed(0)} B avg, keyed by market; ${r.warmupSeconds} s warm-up excluded${failures}${r.behind ? '; BEHIND schedule: not a floor' : ''}`,
    output: r,
  }
}

/** A contender's figure as a multiple of the floor's (e.g. CPU µs/msg, p99); null when the floor is not positive. */
export function timesFloor(value: number, floor: number): number | null {
  return floor > 0 ? value / floor : null
}

function medianMinMax(values: number[], digits: number): string {
  const v = [...values].sort((a, b) => a - b)
  const median = v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2
  const f = (x: number) => x.toFixed(digits)
  return v.length > 1 ? `${f(median)} (${f(v[0]!)}–${f(v.at(-1)!)})` : f(median)
}

const ENTRY: EntryPoint = {
  name: 'floor',
  command: 'bun src/ceilings/floor.ts',
  usage: `bun src/ceilings/floor.ts --bootstrap H:P [options]

What librdkafka alone costs at given rates: the paced C producer with the contenders' settings
file, a fresh topic per run, rates interleaved run by run, one JSON line per run, then a table of
median (min–max) per rate. Measure by hand, e.g. against \`bun run kafka --port 39092\`.
  --bootstrap H:P        the broker (required)
  --rates N,N,...        msg/s (default 2000,10000,50000)
  --seconds N            each measured window (default 20)
  --warmup-seconds N     produced before the window, counted in no figure (default 5)
  --runs N               runs per rate (default 3)
  --partitions N         partitions of each fresh topic (default 3)
  --frames FILE          a frames file (\`CODE\\tFRAME\\n\` per record; default 5,000 generated ticker frames)
Exit: 0 done; 1 the tool failed; 2 bad arguments.`,
}

if (import.meta.main) {
  const { values } = parseCli(ENTRY, {
    options: {
      bootstrap: { type: 'string' },
      rates: { type: 'string', default: '2000,10000,50000' },
      seconds: { type: 'string', default: '20' },
      'warmup-seconds': { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      partitions: { type: 'string', default: '3' },
      frames: { type: 'string' },
    },
  })
  const parsed = z
    .object({
      bootstrap: z.string({ error: 'is required (the broker, H:P)' }).min(1),
      rates: z
        .string()
        .transform((s) => s.split(',').map(Number))
        .pipe(z.array(z.number().positive()).min(1)),
      seconds: z.coerce.number().positive(),
      'warmup-seconds': z.coerce.number().nonnegative(),
      runs: z.coerce.number().int().positive(),
      partitions: z.coerce.number().int().positive(),
      frames: z.string().optional(),
    })
    .safeParse(values)
  if (!parsed.success) usageError(ENTRY, flagIssue(parsed.error.issues[0]!, values))
  const a = parsed.data
  let framesFile = a.frames
  if (!framesFile) {
    const dir = join(CACHE, 'limits')
    mkdirSync(dir, { recursive: true })
    framesFile = writeFramesFile(join(dir, 'floor-frames.tsv'), tickerFrames(5000)).path
  }
  const stamp = Date.now()
  const byRate = new Map<number, CFloorResult[]>(a.rates.map((rate) => [rate, []]))
  // rates interleaved run by run, so a burst of other load on a shared machine spreads over all of them
  for (let run = 1; run <= a.runs; run++) {
    for (const rate of a.rates) {
      const topic = `floor-${stamp}-${rate}-${run}`
      await createTopic(a.bootstrap, topic, a.partitions)
      const r = await runCFloor({
        bootstrap: a.bootstrap,
        topic,
        framesFile,
        ratePerSec: rate,
        seconds: a.seconds,
        warmupSeconds: a['warmup-seconds'],
      })
      const { output: _output, ...row } = r
      console.log(JSON.stringify({ run, topic, ...row }))
      byRate.get(rate)!.push(r)
    }
  }
  const table: string[] = []
  for (const [rate, results] of byRate) {
    const col = (f: (r: CFloorResult) => number, digits = 0) => medianMinMax(results.map(f), digits)
    table.push(
      `| ${rate.toLocaleString('en')} | ${col((r) => r.cpuUsPerMessage, 1)} | ${col((r) => r.appThreadCpuUsPerMessage, 1)} | ${col((r) => r.coresUsed, 3)} | ${col((r) => r.ackUs.p50)} | ` +
        `${col((r) => r.ackUs.p99)} | ${col((r) => r.dueToAckUs.p99)} | ${col((r) => r.lagUs.p99)} | ${results.filter((r) => r.behind).length}/${results.length} |`,
    )
  }
  console.log(`\n${a.runs} run(s) of ${a.seconds} s (+${a['warmup-seconds']} s warm-up) each; median (min–max)\n`)
  console.log(
    '| rate msg/s | CPU µs/msg | of which app thread | cores | ack p50 µs | ack p99 µs | due→ack p99 µs | lag p99 µs | behind |',
  )
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const line of table) console.log(line)
}
