/**
 * `bun scripts/feed-bench.ts`: how fast the local feed goes on this machine, so the bench can show
 * the feed is never its bottleneck. For 2 and for 30 connected clients (each one WebSocket
 * subscribed to every market, so every message fans out to every client) it climbs a rate ladder
 * and reports the highest rate the feed held (not behind: lag p99 ≤ 50 ms, nothing skipped) with
 * ≥ 97 % of the offered messages arriving at every client; and it measures the feed's CPU at
 * 2,000 msg/s. The clients run in a separate process so their CPU is not charged to the feed.
 *
 *   bun scripts/feed-bench.ts [--clients 2,30] [--rates 1000,2000,...] [--seconds 3]
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { startFeed } from '../src/feed/server.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { client: { type: 'string' }, count: { type: 'string' }, clients: { type: 'string' }, rates: { type: 'string' }, seconds: { type: 'string' } },
})

const List = z.string().regex(/^\d+(,\d+)*$/, 'must be comma-separated integers').transform((s) => s.split(',').map(Number))

if (values.client) await clientMode(values.client, Number(values.count ?? 1))
else await benchMode()

/** Child process: open N connections, subscribe all markets, print the total received every 250 ms. */
async function clientMode(restUrl: string, count: number): Promise<void> {
  const codes = ((await (await fetch(`${restUrl}/v1/market/all`)).json()) as Array<{ market: string }>).map((m) => m.market)
  const wsUrl = `${restUrl.replace('http:', 'ws:')}/websocket/v1`
  const received = new Array<number>(count).fill(0)
  await Promise.all(
    received.map(
      (_, i) =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(wsUrl)
          ws.binaryType = 'arraybuffer'
          ws.onmessage = () => received[i]!++
          ws.onopen = () => {
            ws.send(JSON.stringify([{ ticket: `bench-${i}` }, { type: 'ticker', codes, is_only_realtime: true }]))
            resolve()
          }
        }),
    ),
  )
  setInterval(() => console.log(JSON.stringify({ min: Math.min(...received), total: received.reduce((a, b) => a + b, 0) })), 250)
}

async function benchMode(): Promise<void> {
  const clientCounts = List.parse(values.clients ?? '2,30')
  const rates = List.parse(values.rates ?? '1000,2000,5000,10000,20000,35000,50000,75000,100000,150000,200000')
  const seconds = z.coerce.number().positive().parse(values.seconds ?? '3')
  const feed = await startFeed({ port: 0, rate: 0, seed: 1 })
  const rows: string[] = []
  for (const clients of clientCounts) {
    const child = Bun.spawn(['bun', import.meta.path, '--client', feed.httpUrl, '--count', String(clients)], { stdout: 'pipe' })
    let latest = { min: 0, total: 0 }
    void (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      for await (const chunk of child.stdout as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk)
        const lines = buffer.split('\n')
        buffer = lines.pop()!
        if (lines.length) latest = JSON.parse(lines.at(-1)!)
      }
    })()
    while (feed.stats().connections.current < clients) await Bun.sleep(50)
    let best = 0
    let bestLine = ''
    for (const rate of rates) {
      // pause around the window so every message sent in it has arrived when clients are read
      feed.setRate(0)
      await Bun.sleep(300)
      const before = latest.min
      feed.resetCounts()
      const cpu = process.cpuUsage()
      feed.setRate(rate)
      await Bun.sleep(seconds * 1000)
      feed.setRate(0)
      const used = process.cpuUsage(cpu)
      await Bun.sleep(300)
      const s = feed.stats()
      const offered = rate * seconds
      const arrived = (latest.min - before) / Math.max(1, s.sent.messages)
      const held = !s.behind && s.sent.messages >= offered * 0.97 && arrived >= 0.97
      const cpuPct = ((used.user + used.system) / 1000 / (seconds * 1000)) * 100
      const line = `clients ${clients} rate ${rate}: sent ${s.sent.messages} (${((s.sent.messages / offered) * 100).toFixed(1)} % of offered), slowest client got ${(arrived * 100).toFixed(1)} %, lag p50 ${s.lag.p50Us} µs p99 ${s.lag.p99Us} µs max ${s.lag.maxUs} µs, behind ${s.behind}, feed CPU ${cpuPct.toFixed(0)} % of a core → ${held ? 'held' : 'NOT held'}`
      console.log(line)
      if (!held) break
      best = rate
      bestLine = line
    }
    rows.push(`highest rate held to ${clients} clients: ${best} msg/s (${bestLine})`)
    if (clients === clientCounts[0]) {
      feed.setRate(2000)
      await Bun.sleep(500)
      const cpu = process.cpuUsage()
      await Bun.sleep(5000)
      const used = process.cpuUsage(cpu)
      rows.push(`feed CPU at 2,000 msg/s to ${clients} clients: ${(((used.user + used.system) / 1000 / 5000) * 100).toFixed(1)} % of one core`)
    }
    feed.setRate(0)
    child.kill()
    await child.exited
    while (feed.stats().connections.current > 0) await Bun.sleep(50)
  }
  await feed.stop()
  console.log(`\n${rows.join('\n')}`)
}
