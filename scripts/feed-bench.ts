/**
 * `bun scripts/feed-bench.ts`: how fast the local feed goes on this machine, so the bench can show
 * the feed is never its bottleneck. Two measurements, each with the readers in a separate process
 * so their CPU is not charged to the feed:
 *
 *  - ceiling: one plain reader (36 WebSockets × 15 markets, every market exactly once, like the
 *    bench's own limit row) while the feed is asked for far more than it can send; the reader's
 *    msg/s is the feed's ceiling. Run with sent-frame tracking on and off.
 *  - ladder: for 2 and 30 clients (each one WebSocket subscribed to every market, so every message
 *    fans out to every client) it climbs a rate ladder and reports the highest rate the feed held
 *    (not behind: lag p99 ≤ 50 ms, nothing skipped) with ≥ 97 % of the offered messages arriving at
 *    every client, and the feed's CPU at 2,000 msg/s.
 *
 *   bun scripts/feed-bench.ts [--only ceiling|ladder] [--seconds 3] [--connections 36]
 *                             [--track-sent on|off|both] [--clients 2,30] [--rates 1000,2000,...]
 *                             [--ws-compression on|off]
 */
import { z } from 'zod'
import { SWITCH } from '../src/contract/rules.ts'
import { tethered } from '../src/bench/tether.ts'
import { bundledMarkets } from '../src/feed/markets.ts'
import { startFeed, type Feed } from '../src/feed/server.ts'
import { flagIssue, parseCli, usageError, type EntryPoint } from '../src/entry-point.ts'

const ENTRY: EntryPoint = {
  name: 'feed-bench',
  command: 'bun scripts/feed-bench.ts',
  usage: `bun scripts/feed-bench.ts [options]

How fast the local feed goes on this machine: its ceiling to one plain reader, and the highest rate
it holds to N clients.
  --only ceiling|ladder      one of the two measurements (default both)
  --seconds N                each measured window, s (default 3)
  --connections N            the plain reader's WebSockets (default 36)
  --track-sent on|off|both   the feed's sent-frame tracking during the ceiling (default both)
  --clients N,N              client counts of the ladder (default 2,30)
  --rates N,N,...            the ladder's rates, msg/s (default 1000 ... 400000)
  --ws-compression on|off    the feed offers permessage-deflate (default on)
Exit: 0 done; 2 bad arguments.`,
}

const { values } = parseCli(ENTRY, {
  options: {
    // the reader processes this script spawns for itself
    client: { type: 'string' },
    reader: { type: 'string' },
    count: { type: 'string' },
    connections: { type: 'string' },
    clients: { type: 'string' },
    rates: { type: 'string' },
    seconds: { type: 'string' },
    only: { type: 'string' },
    'ws-compression': { type: 'string' },
    'track-sent': { type: 'string' },
  },
})

const List = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated integers')
  .transform((s) => s.split(',').map(Number))
const Options = z.object({
  only: z.enum(['ceiling', 'ladder']).optional(),
  seconds: z.coerce.number().positive().default(3),
  connections: z.coerce.number().int().positive().default(36),
  clients: List.default([2, 30]),
  rates: List.default([1000, 2000, 5000, 10000, 20000, 35000, 50000, 75000, 100000, 150000, 200000, 300000, 400000]),
  'ws-compression': z
    .enum(SWITCH)
    .default('on')
    .transform((v) => v === 'on'),
  'track-sent': z.enum(['on', 'off', 'both']).default('both'),
})

/** Far more than the feed can send: the reader then sees the feed's ceiling, not the offered rate. */
const CEILING_RATE = 1_000_000
/** Bun's client takes an options object; the global type seen here declares only the protocols overload. */
const BunWebSocket = WebSocket as unknown as new (url: string, options: Bun.WebSocketOptions) => WebSocket
const decoder = new TextDecoder()

/** Contiguous slices in list order, as the bench's connection plan cuts them. */
function chunks(codes: string[], size: number): string[][] {
  const out: string[][] = []
  for (let i = 0; i < codes.length; i += size) out.push(codes.slice(i, i + size))
  return out
}

async function codesOf(restUrl: string): Promise<string[]> {
  return ((await (await fetch(`${restUrl}/v1/market/all`)).json()) as Array<{ market: string }>).map((m) => m.market)
}

/** Opens one plain WebSocket per code list (no deflate: a plain reader), counting every frame. */
async function openReaders(
  restUrl: string,
  slices: string[][],
  onFrame: (i: number, bytes: number) => void,
): Promise<WebSocket[]> {
  const wsUrl = `${restUrl.replace('http:', 'ws:')}/websocket/v1`
  return Promise.all(
    slices.map(
      (codes, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new BunWebSocket(wsUrl, { perMessageDeflate: false })
          ws.binaryType = 'arraybuffer'
          ws.onmessage = (e) => onFrame(i, (e.data as ArrayBuffer).byteLength)
          ws.onerror = () => reject(new Error(`feed-bench reader: cannot connect to ${wsUrl}`))
          ws.onopen = () => {
            ws.send(
              JSON.stringify([
                { ticket: `bench-${i}` },
                { type: 'ticker', codes, is_only_realtime: true },
                { format: 'DEFAULT' },
              ]),
            )
            resolve(ws)
          }
        }),
    ),
  )
}

/** Child process: a reader; prints {min, total, bytes, cpuUs} every 250 ms. */
async function childMode(restUrl: string, slices: string[][]): Promise<void> {
  const received = new Array<number>(slices.length).fill(0)
  let bytes = 0
  await openReaders(restUrl, slices, (i, n) => {
    received[i]!++
    bytes += n
  })
  setInterval(() => {
    const cpu = process.cpuUsage()
    console.log(
      JSON.stringify({
        min: Math.min(...received),
        total: received.reduce((a, b) => a + b, 0),
        bytes,
        cpuUs: cpu.user + cpu.system,
      }),
    )
  }, 250)
}

interface Progress {
  min: number
  total: number
  bytes: number
  cpuUs: number
}

function spawnReader(args: string[]): { latest: () => Progress; stop: () => Promise<void> } {
  const child = Bun.spawn(tethered(['bun', import.meta.path, ...args]), { stdout: 'pipe' })
  let latest: Progress = { min: 0, total: 0, bytes: 0, cpuUs: 0 }
  void (async () => {
    let buffer = ''
    for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk)
      const lines = buffer.split('\n')
      buffer = lines.pop()!
      if (lines.length) latest = JSON.parse(lines.at(-1)!)
    }
  })()
  return {
    latest: () => latest,
    stop: async () => {
      child.kill()
      await child.exited
    },
  }
}

async function waitFor(feed: Feed, connections: number): Promise<void> {
  while (feed.stats().connections.current < connections) await Bun.sleep(50)
  await Bun.sleep(300) // subscriptions follow the opens
}

async function ceiling(o: z.infer<typeof Options>, trackSent: boolean): Promise<string> {
  const feed = await startFeed({ port: 0, rate: 0, seed: 1, trackSent, wsCompression: o['ws-compression'] })
  const reader = spawnReader(['--reader', feed.httpUrl, '--connections', String(o.connections)])
  await waitFor(feed, o.connections)
  feed.setRate(CEILING_RATE)
  await Bun.sleep(1000) // warm-up: JIT, buffers
  feed.resetCounts()
  const before = reader.latest()
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Bun.sleep(o.seconds * 1000)
  const after = reader.latest()
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const s = feed.stats()
  feed.setRate(0)
  await reader.stop()
  await feed.stop()
  const perSec = (after.total - before.total) / elapsed
  const feedCpu = ((used.user + used.system) / 1e6 / elapsed) * 100
  const readerCpu = ((after.cpuUs - before.cpuUs) / 1e6 / elapsed) * 100
  const avgBytes = (after.bytes - before.bytes) / Math.max(1, after.total - before.total)
  // CPU per message is what a shared machine distorts least: the feed's ceiling on a core of its own is about 1 / that
  const cpuUsPerMsg = (used.user + used.system) / Math.max(1, s.sent.messages)
  const perConnection = Math.ceil(bundledMarkets().length / o.connections)
  return `ceiling, one plain reader (${o.connections} connections × ${perConnection} markets, DEFAULT ticker), tracking ${trackSent ? 'on' : 'off'}: ${Math.round(perSec).toLocaleString('en')} msg/s received (avg ${avgBytes.toFixed(0)} B), feed sent ${Math.round(s.sent.messages / elapsed).toLocaleString('en')} msg/s, feed CPU ${feedCpu.toFixed(0)} % (${cpuUsPerMsg.toFixed(2)} µs/msg, ${Math.round((used.system / (used.user + used.system)) * 100)} % of it in the kernel, ~${Math.round(1e6 / cpuUsPerMsg).toLocaleString('en')} msg/s on a whole core), reader CPU ${readerCpu.toFixed(0)} %`
}

async function ladder(o: z.infer<typeof Options>): Promise<string[]> {
  const feed = await startFeed({ port: 0, rate: 0, seed: 1, wsCompression: o['ws-compression'] })
  const rows: string[] = []
  for (const clients of o.clients) {
    const reader = spawnReader(['--client', feed.httpUrl, '--count', String(clients)])
    await waitFor(feed, clients)
    let best = 0
    let bestLine = ''
    for (const rate of o.rates) {
      // pause around the window so every message sent in it has arrived when clients are read
      feed.setRate(0)
      await Bun.sleep(300)
      const before = reader.latest().min
      feed.resetCounts()
      const cpu = process.cpuUsage()
      feed.setRate(rate)
      await Bun.sleep(o.seconds * 1000)
      feed.setRate(0)
      const used = process.cpuUsage(cpu)
      await Bun.sleep(300)
      const s = feed.stats()
      const offered = rate * o.seconds
      const arrived = (reader.latest().min - before) / Math.max(1, s.sent.messages)
      const held = !s.behind && s.sent.messages >= offered * 0.97 && arrived >= 0.97
      const cpuPct = ((used.user + used.system) / 1000 / (o.seconds * 1000)) * 100
      const line = `clients ${clients} rate ${rate}: sent ${s.sent.messages} (${((s.sent.messages / offered) * 100).toFixed(1)} % of offered), slowest client got ${(arrived * 100).toFixed(1)} %, lag p50 ${s.lag.p50Us} µs p99 ${s.lag.p99Us} µs max ${s.lag.maxUs} µs, behind ${s.behind}, feed CPU ${cpuPct.toFixed(0)} % of a core → ${held ? 'held' : 'NOT held'}`
      console.log(line)
      if (!held) break
      best = rate
      bestLine = line
    }
    rows.push(`highest rate held to ${clients} clients: ${best} msg/s (${bestLine})`)
    if (clients === o.clients[0]) {
      feed.setRate(2000)
      await Bun.sleep(500)
      const cpu = process.cpuUsage()
      await Bun.sleep(5000)
      const used = process.cpuUsage(cpu)
      rows.push(
        `feed CPU at 2,000 msg/s to ${clients} clients: ${(((used.user + used.system) / 1000 / 5000) * 100).toFixed(1)} % of one core`,
      )
    }
    feed.setRate(0)
    await reader.stop()
    while (feed.stats().connections.current > 0) await Bun.sleep(50)
  }
  await feed.stop()
  return rows
}

if (values.client || values.reader) {
  const url = (values.client ?? values.reader)!
  const codes = await codesOf(url)
  const slices = values.client
    ? Array.from({ length: Number(values.count ?? 1) }, () => codes)
    : chunks(codes, Math.ceil(codes.length / Number(values.connections ?? 36)))
  await childMode(url, slices)
} else {
  const parsed = Options.safeParse(values)
  if (!parsed.success) {
    usageError(ENTRY, flagIssue(parsed.error.issues[0]!, values))
  }
  const o = parsed.data
  console.log(
    `feed-bench on ${navigator.hardwareConcurrency} cores, load average ${(await Bun.file('/proc/loadavg').text()).split(' ').slice(0, 3).join(' ')}`,
  )
  const rows: string[] = []
  if (o.only !== 'ladder') {
    for (const trackSent of { on: [true], off: [false], both: [true, false] }[o['track-sent']]) {
      const row = await ceiling(o, trackSent)
      console.log(row)
      rows.push(row)
    }
  }
  if (o.only !== 'ceiling') rows.push(...(await ladder(o)))
  console.log(`\n${rows.join('\n')}`)
}
