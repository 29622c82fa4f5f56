/**
 * `bun run feed`: the local Upbit-compatible feed on 127.0.0.1 (REST + WebSocket, GET /stats), or
 * `--record FILE` to capture the live exchange for `--replay FILE`.
 *
 *   bun run feed --port 8080 --rate 2000 --seed 7 --profile live
 *   bun run feed --replay ticks.jsonl --replay-speed 10
 *   bun run feed --record ticks.jsonl --record-seconds 60
 *   bun run feed --record ticks.jsonl --record-seconds 5 --record-from http://127.0.0.1:9000
 */
import { z } from 'zod'
import { SWITCH } from '../src/contract/rules.ts'
import { record, RecordError } from '../src/feed/record.ts'
import { startFeed } from '../src/feed/server.ts'
import { flagIssue, parseCli, usageError, type EntryPoint } from '../src/entry-point.ts'

const USAGE = `usage: bun run feed [options]
  --port N                     listen port on 127.0.0.1 (0 = free; default 0)
  --rate N                     total messages/second (default 1000)
  --seed S                     generator seed (default 1)
  --profile live|uniform       activity spread over markets (default live)
  --replay FILE                play a JSONL recording instead of generating
  --replay-speed X             replay speed factor (default 1)
  --record FILE                record the live exchange to JSONL and exit
  --record-seconds N           how long to record (default 60)
  --record-from URL            record another Upbit-compatible server instead (its REST base,
                               e.g. another bun run feed's http://127.0.0.1:PORT; its WebSocket
                               at /websocket/v1; default the live exchange)
  --idle-timeout-s N           close a connection after N s with no frame sent or received
                               (client pings, PING and data all count; default 120, as Upbit)
  --no-track-sent              do not remember sent frames (saves memory at high rates)
  --ws-compression on|off      offer permessage-deflate to clients that ask (default on, as Upbit)
  --drop-after-ms N            fault: close each connection N ms after it subscribed
  --drop-after-messages N      fault: close a connection after about N messages
  --malformed-every N          fault: every Nth message is a malformed frame
  --stall-after-ms N           fault: stop sending to a connection N ms after it subscribed...
  --stall-for-ms N             ...for N ms
  --silence-after-ms N         fault: N ms after it subscribed, a connection gets no more data but
                               stays open and answers pings/PING (each ticket's first connection
                               only, so a reconnect with the same ticket gets data)
  --silence-max N              fault: at most N connections go silent (default no cap)
  --max-connections-per-sec N  answer upgrades beyond N per second per IP with 429 (overrides
                               --upbit-limits' 5; without it, 429 only, no blocks)
  --upbit-limits               Upbit's request limits: 5 connections/s and REST 10/s per IP,
                               5 data requests/s and 100/min per connection, 429 past a limit,
                               418 blocks (5 s, doubling) after 10 refusals in 10 s
  --help`

const ENTRY: EntryPoint = { name: 'feed', command: 'bun run feed', usage: USAGE }

const int = (min: number) => z.coerce.number().int().min(min)
const Options = z
  .object({
    port: int(0).max(65535).default(0),
    rate: z.coerce.number().min(0).default(1000),
    seed: int(0).default(1),
    profile: z.enum(['live', 'uniform']).default('live'),
    replay: z.string().min(1).optional(),
    'replay-speed': z.coerce.number().positive().default(1),
    record: z.string().min(1).optional(),
    'record-seconds': z.coerce.number().positive().default(60),
    'record-from': z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    'idle-timeout-s': z.coerce.number().positive().default(120),
    'no-track-sent': z.boolean().default(false),
    'ws-compression': z
      .enum(SWITCH)
      .default('on')
      .transform((v) => v === 'on'),
    'drop-after-ms': int(1).optional(),
    'drop-after-messages': int(1).optional(),
    'malformed-every': int(1).optional(),
    'stall-after-ms': int(0).optional(),
    'stall-for-ms': int(1).optional(),
    'silence-after-ms': int(0).optional(),
    'silence-max': int(1).optional(),
    'max-connections-per-sec': int(0).optional(),
    'upbit-limits': z.boolean().default(false),
  })
  .refine((o) => (o['stall-after-ms'] === undefined) === (o['stall-for-ms'] === undefined), {
    message: '--stall-after-ms and --stall-for-ms go together',
    path: ['stall-for-ms'],
  })
  .refine((o) => !(o.record && o.replay), { message: '--record and --replay exclude each other', path: ['record'] })
  .refine((o) => o['record-from'] === undefined || o.record !== undefined, {
    message: '--record-from needs --record',
    path: ['record-from'],
  })
  .refine((o) => o['silence-max'] === undefined || o['silence-after-ms'] !== undefined, {
    message: '--silence-max needs --silence-after-ms',
    path: ['silence-max'],
  })

const str = { type: 'string' } as const
function parse(argv: string[]): z.infer<typeof Options> {
  const { values } = parseCli(ENTRY, {
    args: argv,
    options: {
      port: str,
      rate: str,
      seed: str,
      profile: str,
      replay: str,
      'replay-speed': str,
      record: str,
      'record-seconds': str,
      'record-from': str,
      'idle-timeout-s': str,
      'no-track-sent': { type: 'boolean' },
      'ws-compression': str,
      'drop-after-ms': str,
      'drop-after-messages': str,
      'malformed-every': str,
      'stall-after-ms': str,
      'stall-for-ms': str,
      'silence-after-ms': str,
      'silence-max': str,
      'max-connections-per-sec': str,
      'upbit-limits': { type: 'boolean' },
    },
  })
  const parsed = Options.safeParse(values)
  if (!parsed.success) usageError(ENTRY, flagIssue(parsed.error.issues[0]!, values))
  return parsed.data
}

/** A server's REST base and its WebSocket beside it, as Upbit's are (undefined: the live exchange). */
function recordFrom(url: string | undefined): { restUrl?: string; wsUrl?: string } {
  if (url === undefined) return {}
  const base = url.replace(/\/+$/, '')
  return { restUrl: base, wsUrl: `${base.replace(/^http/, 'ws')}/websocket/v1` }
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2))
  if (o.record) {
    try {
      const { frames, codes } = await record({
        file: o.record,
        seconds: o['record-seconds'],
        ...recordFrom(o['record-from']),
        log: (l) => console.log(l),
      })
      console.log(`record: ${frames} frames over ${codes} markets written to ${o.record}`)
      return
    } catch (error) {
      console.error(`feed: ${(error as Error).message}`)
      process.exit(error instanceof RecordError ? 3 : 1)
    }
  }
  const faults = {
    dropAfterMs: o['drop-after-ms'],
    dropAfterMessages: o['drop-after-messages'],
    malformedEvery: o['malformed-every'],
    stallAfterMs: o['stall-after-ms'],
    stallForMs: o['stall-for-ms'],
    silenceAfterMs: o['silence-after-ms'],
    silenceMax: o['silence-max'],
    maxConnectionsPerSec: o['max-connections-per-sec'],
  }
  let feed
  try {
    feed = await startFeed({
      port: o.port,
      rate: o.rate,
      seed: o.seed,
      profile: o.profile,
      replay: o.replay,
      replaySpeed: o['replay-speed'],
      idleTimeoutS: o['idle-timeout-s'],
      trackSent: !o['no-track-sent'],
      upbitLimits: o['upbit-limits'],
      wsCompression: o['ws-compression'],
      faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    })
  } catch (error) {
    console.error(`feed: ${(error as Error).message}`)
    process.exit(1)
  }
  console.log(`feed: ${feed.httpUrl}  ${feed.wsUrl}`)
  const shutdown = async () => {
    await feed.stop()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

await main()
