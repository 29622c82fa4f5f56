/**
 * @module ceilings/c-producer
 * The "librdkafka alone" rows: runs src/ceilings/limit-producer/ (built by set-up against the same
 * shared librdkafka as every contender, path in the set-up manifest as `limitProducer`) with the
 * same producer settings, over a frames file from ceilings/frames.ts, and parses its one JSON
 * line. The settings file is read here, by the project's one reader of it
 * (librdkafka/settings-file.ts), and handed to the tool as `-X key=value` properties: the C tool
 * parses no JSON. Without a rate it is the ceiling (as fast as librdkafka takes messages); with `ratePerSec`
 * it is paced open loop, the floor at that rate (ceilings/floor.ts).
 */
import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { tethered } from '../bench/tether.ts'
import { readSettingsFile, SettingsFileError } from '../librdkafka/settings-file.ts'
import { PATHS } from '../paths.ts'
import { LimitToolError, tail, type LimitResult } from './result.ts'

/** A latency histogram's summary, µs (percentiles ≤ 0.78% above the true value, never below). */
export const LatencyUs = z.object({
  count: z.number().int().nonnegative(),
  min: z.number().int().nonnegative(),
  p50: z.number().int().nonnegative(),
  p95: z.number().int().nonnegative(),
  p99: z.number().int().nonnegative(),
  p999: z.number().int().nonnegative(),
  max: z.number().int().nonnegative(),
  mean: z.number().nonnegative(),
})
export type LatencyUs = z.infer<typeof LatencyUs>

/** The C tool's JSON line (src/ceilings/limit-producer/main.c documents each field). */
export const CLimitOutput = z.object({
  tool: z.literal('limit-c'),
  librdkafka: z.string(),
  /** produce calls accepted (measured window: warm-up excluded, like every count below) */
  messages: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** value bytes delivered */
  bytes: z.number().int().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  messagesPerSec: z.number().nonnegative(),
  mbPerSec: z.number().nonnegative(),
  cpuUserUs: z.number().int(),
  cpuSystemUs: z.number().int(),
  frames: z.number().int().positive(),
  queueFullRetries: z.number().int().nonnegative(),
  statsEvents: z.number().int().nonnegative(),
  outstanding: z.number().int(),
  firstError: z.string().nullable(),
  produceError: z.string().nullable(),
  mode: z.enum(['ceiling', 'paced']),
  /** the asked rate, msg/s (null: ceiling) */
  ratePerSec: z.number().positive().nullable(),
  /** measured messages the schedule held (null: ceiling) */
  scheduled: z.number().int().nonnegative().nullable(),
  warmupSeconds: z.number().nonnegative(),
  warmupMessages: z.number().int().nonnegative(),
  warmupDelivered: z.number().int().nonnegative(),
  warmupFailed: z.number().int().nonnegative(),
  /** the rate produce() accepted measured messages */
  sendRatePerSec: z.number().nonnegative(),
  /** (user + system CPU) / delivered, µs */
  cpuUsPerMessage: z.number().nonnegative(),
  /** (user + system CPU) / elapsed */
  coresUsed: z.number().nonnegative(),
  /** user + system CPU of the application thread (pacing, produce(), delivery reports); the rest is librdkafka's threads */
  cpuAppThreadUs: z.number().int(),
  /** idle waits of the pacing loop */
  waits: z.number().int().nonnegative(),
  ackUnavailable: z.number().int().nonnegative(),
  /** the process's peak resident set, bytes (VmHWM: its own, not its spawner's) */
  maxRssBytes: z.number().int().nonnegative(),
  /** produce() → delivery report */
  ackUs: LatencyUs,
  /** due time → delivery report (null: ceiling) */
  dueToAckUs: LatencyUs.nullable(),
  /** due time → produce() accepted (null: ceiling) */
  lagUs: LatencyUs.nullable(),
  /** lag p99 > 10 ms, or scheduled messages left unsent (null: ceiling) */
  behind: z.boolean().nullable(),
})
export type CLimitOutput = z.infer<typeof CLimitOutput>

export interface CLimitOptions {
  bootstrap: string
  topic: string
  /** the producer settings JSON (default config/producer-settings.json) */
  settingsPath?: string
  /** a frames file from ceilings/frames.ts (`CODE\tFRAME\n` per record) */
  framesFile: string
  /** messages to produce (frames used round-robin; paced: measured ones, warm-up on top) */
  messages?: number
  /** stop after this many seconds even if `messages` were not all produced (paced: the window) */
  seconds?: number
  /** paced open loop at this many msg/s (absent: the ceiling, as fast as librdkafka takes them) */
  ratePerSec?: number
  /** paced only: seconds produced on the same schedule before the measured window */
  warmupSeconds?: number
  /** extra librdkafka properties applied after the settings file */
  properties?: Record<string, string>
  /** the binary (default: the set-up manifest's `limitProducer`) */
  binary?: string
  /** command prefix, e.g. ['taskset', '-c', '1'] to give it the contenders' CPU budget */
  prefix?: string[]
}

export type CLimitResult = LimitResult & { output: CLimitOutput; cpuUsPerMessage: number }

/** The built tool's path from the set-up manifest. */
export function limitProducerPath(): string {
  if (!existsSync(PATHS.manifest))
    throw new LimitToolError(`no set-up manifest at ${PATHS.manifest}: run \`bun run setup\``, null, '')
  const manifest = z.object({ limitProducer: z.string() }).parse(JSON.parse(readFileSync(PATHS.manifest, 'utf8')))
  if (!existsSync(manifest.limitProducer)) {
    throw new LimitToolError(
      `the C limit producer is not built (${manifest.limitProducer}): run \`bun run setup\``,
      null,
      '',
    )
  }
  return manifest.limitProducer
}

/** The tool's arguments: the settings file's properties, then `properties`, each as `-X key=value`. */
export function cLimitArgs(o: CLimitOptions): string[] {
  const args = ['--bootstrap', o.bootstrap, '--topic', o.topic, '--frames', o.framesFile]
  if (o.messages !== undefined) args.push('--messages', String(o.messages))
  if (o.seconds !== undefined) args.push('--seconds', String(o.seconds))
  if (o.ratePerSec !== undefined) args.push('--rate', String(o.ratePerSec))
  if (o.warmupSeconds !== undefined) args.push('--warmup-seconds', String(o.warmupSeconds))
  const settings = readSettingsFile(o.settingsPath ?? PATHS.producerSettings)
  for (const [key, value] of Object.entries({ ...settings, ...o.properties })) args.push('-X', `${key}=${value}`)
  return args
}

/** Runs the tool and returns its parsed JSON line; a non-zero exit or a bad line throws LimitToolError. */
export async function execCLimit(o: CLimitOptions): Promise<CLimitOutput> {
  const binary = o.binary ?? limitProducerPath()
  let args: string[]
  try {
    args = cLimitArgs(o)
  } catch (error) {
    // a settings file refused before the tool runs: a configuration error, as the tool's own exit 2
    if (error instanceof SettingsFileError) throw new LimitToolError(`producer settings: ${error.message}`, 2, '')
    throw error
  }
  const proc = Bun.spawn(tethered([...(o.prefix ?? []), binary, ...args]), {
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) {
    throw new LimitToolError(`limit-producer exited ${code}: ${tail(err, 5) || tail(out, 5)}`, code, out + err)
  }
  const line = out.trim().split('\n').at(-1) ?? ''
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    throw new LimitToolError(
      `limit-producer printed no JSON line: ${JSON.stringify(line.slice(0, 200))}`,
      code,
      out + err,
    )
  }
  const parsed = CLimitOutput.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new LimitToolError(`limit-producer output: ${issue.path.join('.')}: ${issue.message}`, code, out + err)
  }
  return parsed.data
}

/** The ceiling row: as fast as librdkafka accepts messages (pass no `ratePerSec`). */
export async function runCLimit(o: CLimitOptions): Promise<CLimitResult> {
  const r = await execCLimit(o)
  const avg = r.delivered > 0 ? r.bytes / r.delivered : 0
  const failures = r.failed > 0 ? `, ${r.failed} failed (first: ${r.firstError})` : ''
  return {
    name: 'librdkafka alone (C)',
    messagesPerSec: r.messagesPerSec,
    mbPerSec: r.mbPerSec,
    messages: r.delivered,
    note: `src/ceilings/limit-producer/ on librdkafka ${r.librdkafka}, same settings file, ${r.frames} distinct frames of ${avg.toFixed(0)} B avg, keyed by market${failures}`,
    cpuUsPerMessage: r.delivered > 0 ? (r.cpuUserUs + r.cpuSystemUs) / r.delivered : 0,
    output: r,
  }
}
