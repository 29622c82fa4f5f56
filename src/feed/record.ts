/**
 * @module feed/record
 * Records the live exchange's ticker stream as JSONL for `--replay` (format in replay.ts): first the
 * market list it subscribed to, as `{"markets":[…]}`, then `{t, code, frame}` per frame (t = ms
 * since the recording started, frame = the frame's text as received). Fails fast, naming the URL,
 * when the exchange cannot be reached, as on machines without internet access.
 */
import { createWriteStream } from 'node:fs'
import { z } from 'zod'
import { Market } from './markets.ts'

export interface RecordOptions {
  file: string
  seconds: number
  restUrl?: string
  wsUrl?: string
  /** Markets per connection; Upbit accepts many, fewer spreads the load. */
  perConnection?: number
  connectTimeoutMs?: number
  log?: (line: string) => void
}

export class RecordError extends Error {
  override name = 'RecordError'
}

const CODE = /"(?:code|cd)":"([^"]+)"/
const MarketList = z.array(Market).min(1)

export async function record(o: RecordOptions): Promise<{ frames: number; codes: number }> {
  const restUrl = o.restUrl ?? 'https://api.upbit.com'
  const wsUrl = o.wsUrl ?? 'wss://api.upbit.com/websocket/v1'
  const timeoutMs = o.connectTimeoutMs ?? 5000
  const log = o.log ?? (() => {})
  const listUrl = `${restUrl}/v1/market/all?isDetails=false`
  let markets: Market[]
  try {
    const response = await fetch(listUrl, { signal: AbortSignal.timeout(timeoutMs) })
    if (!response.ok) throw new Error(`answered ${response.status} ${response.statusText}`)
    markets = MarketList.parse(await response.json())
  } catch (error) {
    throw new RecordError(
      `cannot record: the exchange at ${listUrl} is unreachable (${(error as Error).message}); --record needs internet access to Upbit`,
    )
  }
  const codes = markets.map((m) => m.market)
  log(`record: ${codes.length} markets from ${listUrl}`)

  const out = createWriteStream(o.file)
  // the replay serves this list, quiet markets included, as the exchange did
  out.write(`${JSON.stringify({ markets })}\n`)
  const started = performance.now()
  const decoder = new TextDecoder()
  let frames = 0
  const sockets: WebSocket[] = []
  const chunk = o.perConnection ?? 100
  try {
    for (let i = 0; i < codes.length; i += chunk) {
      const ws = await open(wsUrl, timeoutMs)
      sockets.push(ws)
      ws.binaryType = 'arraybuffer'
      ws.onmessage = (e) => {
        const text = typeof e.data === 'string' ? e.data : decoder.decode(e.data as ArrayBuffer)
        const code = CODE.exec(text)?.[1]
        if (!code) return // {"status":"UP"} and errors are not part of the stream
        out.write(
          `${JSON.stringify({ t: Math.round((performance.now() - started) * 1000) / 1000, code, frame: text })}\n`,
        )
        frames++
      }
      ws.send(
        JSON.stringify([
          { ticket: `record-${i}` },
          { type: 'ticker', codes: codes.slice(i, i + chunk), is_only_realtime: true },
        ]),
      )
      // Upbit allows 5 connection requests per second
      await Bun.sleep(250)
    }
    log(`record: ${sockets.length} connections, recording ${o.seconds} s to ${o.file}`)
    await Bun.sleep(o.seconds * 1000)
  } finally {
    for (const ws of sockets) ws.close()
    await new Promise<void>((resolve) => out.end(resolve))
  }
  return { frames, codes: codes.length }
}

function open(url: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const timer = setTimeout(() => {
      ws.close()
      reject(new RecordError(`cannot record: ${url} did not accept a WebSocket within ${timeoutMs} ms`))
    }, timeoutMs)
    ws.onopen = () => {
      clearTimeout(timer)
      resolve(ws)
    }
    ws.onerror = () => {
      clearTimeout(timer)
      reject(new RecordError(`cannot record: ${url} is unreachable`))
    }
  })
}
