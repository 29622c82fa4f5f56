/**
 * A tiny Upbit-like WebSocket endpoint for what the local feed does not do: it answers a
 * subscribe with a ticker per code every few ms, as binary frames, and can negotiate
 * permessage-deflate. It notes the extension offer each upgrade carried.
 */
import type { Server } from 'bun'

export interface TinyServer {
  readonly url: string
  /** the Sec-WebSocket-Extensions header of each upgrade request ('' when absent) */
  readonly offers: string[]
  stop(): Promise<void>
}

export function startTinyServer(o: { perMessageDeflate: boolean; everyMs?: number }): TinyServer {
  const offers: string[] = []
  const timers = new Set<ReturnType<typeof setInterval>>()
  const server: Server<{ timer?: ReturnType<typeof setInterval> }> = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req, s) {
      offers.push(req.headers.get('sec-websocket-extensions') ?? '')
      if (s.upgrade(req, { data: {} })) return
      return new Response('upgrade expected', { status: 400 })
    },
    websocket: {
      perMessageDeflate: o.perMessageDeflate,
      message(ws, message) {
        if (String(message) === 'PING') return void ws.sendBinary(Buffer.from('{"status":"UP"}'))
        const codes = (JSON.parse(String(message)) as Array<{ codes?: string[] }>).find((r) => r.codes)?.codes ?? []
        let n = 0
        ws.data.timer = setInterval(() => {
          const code = codes[n++ % codes.length]
          ws.sendBinary(
            Buffer.from(
              `{"type":"ticker","code":"${code}","trade_price":${n},"timestamp":${Date.now()},"stream_type":"REALTIME","padding":"${'ab'.repeat(200)}"}`,
            ),
          )
        }, o.everyMs ?? 5)
        timers.add(ws.data.timer)
      },
      close(ws) {
        clearInterval(ws.data.timer)
      },
    },
  })
  return {
    url: `ws://127.0.0.1:${server.port}/websocket/v1`,
    offers,
    async stop() {
      for (const t of timers) clearInterval(t)
      await server.stop(true)
    },
  }
}
