/**
 * @module limits/floor
 * The floor: what librdkafka alone costs at a given rate. tools/limit-producer.c paced open loop
 * (message i due at t0 + i/rate, latency also taken from that due time), with the contenders'
 * settings file, frames, keys and headers, after a warm-up that counts in no figure. The ladder
 * and the race show it as a reference row ("librdkafka alone at this rate") and divide each
 * contender's CPU per message and p99 by it (`timesFloor`).
 */
import { execCLimit, type CLimitOutput, type LatencyUs } from './c-producer.ts'
import { LimitToolError } from './result.ts'

export interface CFloorOptions {
  bootstrap: string
  topic: string
  /** a frames file from limits/frames.ts (`CODE\tFRAME\n` per record) */
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
    ratePerSec: o.ratePerSec,
    seconds: o.seconds,
    warmupSeconds: o.warmupSeconds ?? 5,
  })
  if (r.mode !== 'paced' || !r.dueToAckUs || !r.lagUs || r.behind === null || r.ratePerSec === null || r.scheduled === null) {
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
    ackUs: r.ackUs,
    dueToAckUs: r.dueToAckUs,
    lagUs: r.lagUs,
    behind: r.behind,
    warmup: { seconds: r.warmupSeconds, messages: r.warmupMessages, delivered: r.warmupDelivered, failed: r.warmupFailed },
    note:
      `tools/limit-producer.c paced open loop on librdkafka ${r.librdkafka}, same settings file, ${r.frames} distinct frames of ` +
      `${avg.toFixed(0)} B avg, keyed by market; ${r.warmupSeconds} s warm-up excluded${failures}${r.behind ? '; BEHIND schedule: not a floor' : ''}`,
    output: r,
  }
}

/** A contender's figure as a multiple of the floor's (e.g. CPU µs/msg, p99); null when the floor is not positive. */
export function timesFloor(value: number, floor: number): number | null {
  return floor > 0 ? value / floor : null
}
