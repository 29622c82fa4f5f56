/** The market list against small local servers that misbehave in one way each. */
import { afterAll, describe, expect, test } from 'bun:test'
import { fetchMarkets } from './markets.ts'

const market = (code: string) => ({ market: code, korean_name: code, english_name: code })
let handler: (req: Request) => Response | Promise<Response> = () => new Response('[]')
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (req) => handler(req) })
const base = `http://127.0.0.1:${server.port}`
const url = `${base}/v1/market/all?isDetails=false`
afterAll(() => server.stop(true))

describe('market list', () => {
  test('duplicate codes are dropped, the first kept, and the limit applies after', async () => {
    handler = () => Response.json([market('KRW-BTC'), market('KRW-ETH'), market('KRW-BTC'), market('BTC-ETH')])
    expect((await fetchMarkets(base, 5000)).map((m) => m.market)).toEqual(['KRW-BTC', 'KRW-ETH', 'BTC-ETH'])
    expect((await fetchMarkets(base, 5000, 2)).map((m) => m.market)).toEqual(['KRW-BTC', 'KRW-ETH'])
  })

  test('a body over the byte cap is refused, naming the URL and the cap', async () => {
    const big = JSON.stringify(Array.from({ length: 400 }, (_, i) => market(`KRW-C${i}`)))
    handler = () => new Response(big, { headers: { 'content-type': 'application/json' } })
    await expect(fetchMarkets(base, 5000, 0, { maxBytes: 1000, maxMarkets: 10_000 })).rejects.toThrow(
      `GET ${url}: the body is larger than 1000 bytes`,
    )
  })

  test('a body that never ends is cut at the cap, not buffered', async () => {
    const chunk = new TextEncoder().encode(`[${JSON.stringify(market('KRW-BTC'))},`.padEnd(4096, ' '))
    handler = () =>
      new Response(new ReadableStream({ pull: (c) => c.enqueue(chunk) }), {
        headers: { 'content-type': 'application/json' },
      })
    await expect(fetchMarkets(base, 5000, 0, { maxBytes: 64 * 1024, maxMarkets: 10_000 })).rejects.toThrow(
      `GET ${url}: the body is larger than 65536 bytes`,
    )
  })

  test('a list over the market cap is refused, naming the URL and the cap', async () => {
    handler = () => Response.json(Array.from({ length: 11 }, (_, i) => market(`KRW-C${i}`)))
    await expect(fetchMarkets(base, 5000, 0, { maxBytes: 1 << 20, maxMarkets: 10 })).rejects.toThrow(
      `GET ${url}: 11 markets, more than the 10 a run takes`,
    )
  })

  test('no answer within STARTUP_TIMEOUT_MS names the URL', async () => {
    handler = () => new Promise(() => {})
    await expect(fetchMarkets(base, 300)).rejects.toThrow(
      `GET ${url}: no complete answer within 300 ms (STARTUP_TIMEOUT_MS)`,
    )
  })

  test('a 429 is waited out and retried', async () => {
    let calls = 0
    handler = () =>
      ++calls === 1
        ? new Response('slow down', { status: 429, headers: { 'retry-after': '0' } })
        : Response.json([market('KRW-BTC')])
    expect((await fetchMarkets(base, 5000)).map((m) => m.market)).toEqual(['KRW-BTC'])
    expect(calls).toBe(2)
  })

  test('a wrong shape names the field', async () => {
    handler = () => Response.json([{ market: 'btc', korean_name: 'x', english_name: 'y' }])
    await expect(fetchMarkets(base, 5000)).rejects.toThrow(
      `GET ${url}: entry 0 has no "market" code like QUOTE-BASE: {"market":"btc","korean_name":"x","english_name":"y"}`,
    )
  })
})
