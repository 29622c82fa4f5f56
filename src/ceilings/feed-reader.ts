/**
 * @module ceilings/feed-reader
 * The feed's own ceiling: a plain WebSocket reader (no Kafka, no check, no copy) subscribed to
 * every market with the seed's 15-per-connection plan, counting frames and bytes for a fixed time.
 * It is a tool of the harness, not a contender: it reads the feed's market list and plans its
 * connections itself (a contender's upbit/ modules are its own).
 * Run as its own process (`bun src/ceilings/feed-reader.ts --rest URL --ws URL --seconds S`) so it
 * does not share a thread with the feed; prints one JSON line. Plain means no compression (the
 * ceiling of sending, not of deflate), and connections are opened 2 per 600 ms (PAIRS_INTERVAL_MS), within Upbit's
 * 5 connections/s, so a feed enforcing Upbit's limits answers none of them with 429.
 */
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { MARKET_LIST } from '../contract/rules.ts'
import { PAIRS_INTERVAL_MS } from '../feed/limits.ts'

export const FeedReaderResult = z.object({
  tool: z.literal('feed-reader'),
  connections: z.number().int(),
  messages: z.number().int(),
  bytes: z.number().int(),
  elapsedMs: z.number(),
  messagesPerSec: z.number(),
})
export type FeedReaderResult = z.infer<typeof FeedReaderResult>

export interface ReadFeedOptions {
  restUrl: string
  wsUrl: string
  seconds: number
  marketsLimit?: number
  /** keep the first N ticker frames as recorded samples (for the limit producers' messages) */
  sample?: number
}

const CODE = /"code":"([^"]+)"/
/** the seed's plan: 15 codes per connection, 2 connections per PAIRS_INTERVAL_MS */
const PER_CONNECTION = 15
const PER_BATCH = 2

/** The feed's market codes in list order (the first `limit`; 0: all), read within a deadline and MARKET_LIST.maxBytes. */
async function marketCodes(restUrl: string, timeoutMs: number, limit: number): Promise<string[]> {
  const url = `${restUrl}/v1/market/all?isDetails=false`
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (response.status !== 200) throw new Error(`feed reader: GET ${url} answered ${response.status}`)
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = response.body!.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    const chunk = r.value
    total += chunk.byteLength
    if (total > MARKET_LIST.maxBytes)
      throw new Error(`feed reader: GET ${url}: more than ${MARKET_LIST.maxBytes} bytes`)
    chunks.push(chunk)
  }
  const list = z.array(z.object({ market: z.string() })).parse(JSON.parse(Buffer.concat(chunks).toString('utf8')))
  const codes = [...new Set(list.map((m) => m.market))]
  return limit > 0 ? codes.slice(0, limit) : codes
}

/** Codes per connection and when to open it (ms after the first), `PER_BATCH` connections per interval. */
function plan(codes: string[]): { index: number; codes: string[]; openAtMs: number }[] {
  return Array.from({ length: Math.ceil(codes.length / PER_CONNECTION) }, (_, index) => ({
    index,
    codes: codes.slice(index * PER_CONNECTION, (index + 1) * PER_CONNECTION),
    openAtMs: Math.floor(index / PER_BATCH) * PAIRS_INTERVAL_MS,
  }))
}

export async function readFeed(
  o: ReadFeedOptions,
): Promise<FeedReaderResult & { samples: { code: string; frame: string }[] }> {
  const connections = plan(await marketCodes(o.restUrl, 10_000, o.marketsLimit ?? 0))
  let messages = 0
  let bytes = 0
  let counting = false
  const samples: { code: string; frame: string }[] = []
  const decoder = new TextDecoder()
  const sockets = await Promise.all(
    connections.map(
      (c) =>
        new Promise<WebSocket>((resolve, reject) =>
          setTimeout(() => {
            // Bun's client offers deflate unless told not to
            const ws = new WebSocket(o.wsUrl, { perMessageDeflate: false } as unknown as string[])
            ws.binaryType = 'arraybuffer'
            ws.onopen = () => {
              ws.send(
                JSON.stringify([
                  { ticket: `reader-${c.index}` },
                  { type: 'ticker', codes: c.codes, is_only_realtime: true },
                  { format: 'DEFAULT' },
                ]),
              )
              resolve(ws)
            }
            ws.onerror = () => reject(new Error(`feed reader: cannot connect to ${o.wsUrl}`))
            ws.onmessage = (event) => {
              if (samples.length < (o.sample ?? 0)) {
                const frame = decoder.decode(event.data as ArrayBuffer)
                const code = CODE.exec(frame)?.[1]
                if (code && frame.includes('"type":"ticker"')) samples.push({ code, frame })
              }
              if (!counting) return
              messages++
              bytes += (event.data as ArrayBuffer).byteLength
            }
          }, c.openAtMs),
        ),
    ),
  )
  await Bun.sleep(500)
  counting = true
  const started = performance.now()
  await Bun.sleep(o.seconds * 1000)
  counting = false
  const elapsedMs = performance.now() - started
  for (const ws of sockets) ws.close()
  return {
    tool: 'feed-reader',
    connections: sockets.length,
    messages,
    bytes,
    elapsedMs,
    messagesPerSec: messages / (elapsedMs / 1000),
    samples,
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      rest: { type: 'string' },
      ws: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      'markets-limit': { type: 'string', default: '0' },
    },
  })
  const args = z
    .object({
      rest: z.url(),
      ws: z.url(),
      seconds: z.coerce.number().positive(),
      'markets-limit': z.coerce.number().int().nonnegative(),
    })
    .parse(values)
  const { samples: _samples, ...result } = await readFeed({
    restUrl: args.rest,
    wsUrl: args.ws,
    seconds: args.seconds,
    marketsLimit: args['markets-limit'],
  })
  console.log(JSON.stringify(result))
  process.exit(0)
}
