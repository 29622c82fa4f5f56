/**
 * One connection's life against scripted sockets: handshake timeouts, the silence watchdog, the
 * flap budget, refused upgrades, and error-then-close counted once. The real runtimes' sockets
 * are exercised by the integration tests (client.integration.test.ts).
 */
import { describe, expect, test } from 'bun:test'
import { Connection, type ConnectionEvents, type ConnectionSettings } from './connection.ts'
import type { ClientSocket, SocketFactory } from './socket.ts'
import { emptyStats } from './stats.ts'

class FakeSocket {
  readyState = 0
  extensions = ''
  sent: string[] = []
  closed = false
  onopen: (() => void) | null = null
  onmessage: ((event: { data: ArrayBuffer | string }) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  send(data: string) {
    this.sent.push(data)
  }
  closeCode?: number
  close(code?: number) {
    this.closed = true
    this.closeCode = code
  }
  serverOpens(extensions = '') {
    this.readyState = 1
    this.extensions = extensions
    this.onopen?.()
  }
  serverSends(data: string | ArrayBuffer) {
    this.onmessage?.({ data })
  }
  fails(message: string, status?: number) {
    this.status = status
    this.onerror?.(Object.assign(new Event('error'), { message }))
  }
  serverCloses(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code, reason: '' })
  }
  status?: number
}

/** Sockets the test scripts: `script` runs on each new one (after its handlers are set). */
function fakeSockets(script: (socket: FakeSocket, n: number) => void = () => {}) {
  const sockets: FakeSocket[] = []
  const factory: SocketFactory = {
    description: 'fake',
    open(): ClientSocket {
      const socket = new FakeSocket()
      sockets.push(socket)
      queueMicrotask(() => script(socket, sockets.length))
      return {
        socket: socket as unknown as WebSocket,
        refusedStatus: () => socket.status,
        refusedFrame: () => undefined,
        ping: () => socket.send('PING'),
      }
    },
  }
  return { factory, sockets }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 2))
}

function connect(
  factory: SocketFactory,
  settings: Partial<ConnectionSettings> = {},
  isData = (d: string) => !d.startsWith('{"status"'),
) {
  const stats = emptyStats()
  const log: string[] = []
  let open = 0
  let settled = 0
  const refused: string[] = []
  const events: ConnectionEvents = {
    onFrame: (data) => isData(String(data)),
    onFrameRefused: (reason) => refused.push(reason),
    onOpenChange: (delta) => (open += delta),
    onSettled: () => settled++,
    onLog: (line) => log.push(line),
  }
  const connection = new Connection(
    { index: 0, codes: ['KRW-BTC'], openAtMs: 0 },
    {
      url: 'ws://fake',
      compression: true,
      sockets: factory,
      ticket: 't-0',
      subscribe: '[{"ticket":"t-0"}]',
      pingIntervalMs: 60_000,
      handshakeTimeoutMs: 60_000,
      silenceTimeoutMs: 0,
      maxRetries: 3,
      backoffBaseMs: 1,
      stableMs: 10_000,
      maxFrameBytes: 1 << 20,
      ...settings,
    },
    stats,
    events,
  )
  connection.open()
  return {
    connection,
    stats,
    log,
    refused,
    get open() {
      return open
    },
    get settled() {
      return settled
    },
  }
}

describe('a connection', () => {
  test('subscribes on open and records the negotiated extension', async () => {
    const { factory, sockets } = fakeSockets((s) => s.serverOpens('permessage-deflate; client_no_context_takeover'))
    const c = connect(factory)
    await until(() => c.settled === 1)
    expect(sockets[0]!.sent).toEqual(['[{"ticket":"t-0"}]'])
    expect([...c.stats.extensions]).toEqual(['permessage-deflate'])
    expect(c.open).toBe(1)
    c.connection.close()
  })

  test('a handshake not open in time is abandoned, counted and retried, then given up', async () => {
    const { factory, sockets } = fakeSockets()
    const c = connect(factory, { handshakeTimeoutMs: 20, maxRetries: 2 })
    await until(() => c.connection.gaveUp)
    expect(c.stats).toMatchObject({ handshakeTimeouts: 3, reconnects: 2, failed: 1, opened: 0, flaps: 0 })
    expect(sockets.every((s) => s.closed)).toBe(true)
    expect(c.settled).toBe(1)
  })

  test('a connection that drops right after every open gives up after RECONNECT_MAX_RETRIES', async () => {
    const { factory, sockets } = fakeSockets((s) => {
      s.serverOpens()
      s.serverCloses(1000)
    })
    const c = connect(factory, { maxRetries: 3 })
    await until(() => c.connection.gaveUp)
    expect(sockets.length).toBe(4)
    expect(c.stats).toMatchObject({ opened: 4, flaps: 4, reconnects: 3, failed: 1 })
    expect(c.open).toBe(0)
  })

  test('silence: no data frame for SILENCE_TIMEOUT_MS closes and reconnects; status answers do not count as data', async () => {
    let chatter: ReturnType<typeof setInterval> | undefined
    const { factory, sockets } = fakeSockets((s, n) => {
      s.serverOpens()
      if (n === 1) chatter = setInterval(() => s.serverSends('{"status":"UP"}'), 5)
    })
    const c = connect(factory, { silenceTimeoutMs: 40, stableMs: 0 })
    await until(() => sockets.length === 2)
    clearInterval(chatter)
    expect(sockets[0]!.closed).toBe(true)
    expect(c.stats).toMatchObject({ silenceReconnects: 1, reconnects: 1 })
    c.connection.close()
  })

  test('a frame past MAX_FRAME_BYTES handed over whole is refused: counted, closed with 1009, reconnected', async () => {
    const { factory, sockets } = fakeSockets((s) => s.serverOpens())
    const c = connect(factory, { maxFrameBytes: 1024, stableMs: 0 })
    await until(() => c.settled === 1)
    sockets[0]!.serverSends(`{"code":"KRW-BTC","pad":"${'é'.repeat(600)}"}`)
    await until(() => sockets.length === 2)
    expect(c.refused).toEqual(['too-large'])
    expect(sockets[0]!).toMatchObject({ closed: true, closeCode: 1009 })
    expect(c.stats).toMatchObject({ reconnects: 1 })
    c.connection.close()
  })

  test('the one judge of size counts bytes, not characters: exactly MAX_FRAME_BYTES is a frame, one byte more is refused', async () => {
    const frames: string[] = []
    const { factory, sockets } = fakeSockets((s) => s.serverOpens())
    const c = connect(factory, { maxFrameBytes: 1024, stableMs: 0 }, (d) => (frames.push(d), true))
    await until(() => c.settled === 1)
    const head = '{"code":"KRW-BTC","pad":"'
    // 'é' is two bytes in UTF-8: the frame is 1,024 bytes in 526 characters
    const exact = `${head}x${'é'.repeat(498)}"}`
    expect(Buffer.byteLength(exact)).toBe(1024)
    sockets[0]!.serverSends(exact)
    await until(() => frames.length === 1)
    sockets[0]!.serverSends(new TextEncoder().encode(`${exact} `).buffer as ArrayBuffer)
    await until(() => sockets.length === 2)
    expect(frames).toEqual([exact])
    expect(c.refused).toEqual(['too-large'])
    c.connection.close()
  })

  test('data frames keep the watchdog quiet', async () => {
    let feed: ReturnType<typeof setInterval> | undefined
    const { factory, sockets } = fakeSockets((s) => {
      s.serverOpens()
      feed = setInterval(() => s.serverSends('{"code":"KRW-BTC"}'), 5)
    })
    // a frame every 5 ms against a 400-ms watchdog, watched for three of its periods: a busy
    // machine's timer gaps stay far under 400 ms, while a watchdog the frames did not feed fires
    const c = connect(factory, { silenceTimeoutMs: 400 })
    await new Promise((r) => setTimeout(r, 1200))
    clearInterval(feed)
    expect(sockets.length).toBe(1)
    expect(c.stats.silenceReconnects).toBe(0)
    c.connection.close()
  })

  test('a 429 is counted once whether the runtime fires error, close, or both', async () => {
    const { factory } = fakeSockets((s, n) => {
      if (n === 1)
        s.fails('refused', 429) // Node 20: only error
      else if (n === 2) {
        s.fails('Expected 101 status code: 429', 429) // Bun: error, then close
        s.serverCloses()
      } else s.serverOpens()
    })
    const c = connect(factory, { backoffBaseMs: 1 })
    await until(() => c.settled === 1)
    expect(c.stats).toMatchObject({ rateLimited: 2, reconnects: 2, opened: 1, failed: 0 })
    c.connection.close()
  })

  test('an open connection that errors and then closes is one drop, and its downtime is counted', async () => {
    const { factory, sockets } = fakeSockets((s) => s.serverOpens())
    const c = connect(factory, { stableMs: 0 })
    await until(() => c.open === 1)
    sockets[0]!.fails('reset')
    sockets[0]!.serverCloses()
    await until(() => c.open === 1 && sockets.length === 2)
    expect(c.stats).toMatchObject({ reconnects: 1, opened: 2, flaps: 0 })
    expect(c.stats.disconnectedMs).toBeGreaterThanOrEqual(0)
    expect(c.log.filter((l) => l.includes('retry'))).toHaveLength(1)
    c.connection.close()
  })

  test('a connection that stays open RECONNECT_STABLE_MS earns its budget back', async () => {
    const { factory, sockets } = fakeSockets((s) => s.serverOpens())
    const c = connect(factory, { maxRetries: 1, stableMs: 20 })
    for (let i = 1; i <= 3; i++) {
      await until(() => sockets.length === i && c.open === 1)
      await new Promise((r) => setTimeout(r, 30))
      sockets[i - 1]!.serverCloses()
    }
    await until(() => sockets.length === 4)
    expect(c.stats).toMatchObject({ flaps: 0, failed: 0, reconnects: 3 })
    c.connection.close()
  })
})
