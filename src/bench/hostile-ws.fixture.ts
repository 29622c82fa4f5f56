/**
 * A hostile WebSocket peer on raw TCP, for what no well-behaved server library will send: a frame
 * header announcing 1.5 GB with its body trickled, a message fragmented past any limit, a text
 * frame that is not UTF-8, an oversized ping, an upgrade response whose headers never end. Until
 * it attacks, it behaves like Upbit: a 101 without extensions, then a binary ticker frame per
 * subscribed code every few ms. Only the first `attackConnections` connections are attacked, so
 * a contender that reconnects finds a sane peer.
 */
import type { Socket, TCPSocketListener } from 'bun'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export type Attack = 'huge-frame' | 'fragments-past-limit' | 'bad-utf8-text' | 'huge-ping' | 'endless-headers'

export interface HostilePeer {
  readonly url: string
  /** connections accepted so far */
  readonly connections: number
  /** attacks delivered (for the trickles: started) */
  readonly attacks: number
  stop(): void
}

const HUGE = 1_500_000_000
/** the trickle: this much every TRICKLE_MS, while the socket takes it (≈ 100 MB/s) */
const CHUNK = Buffer.alloc(512 * 1024, 0x61)
const TRICKLE_MS = 5
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

interface State {
  n: number
  head: Buffer
  open: boolean
  rx: Buffer
  timers: ReturnType<typeof setInterval>[]
  closed: boolean
}

/** A server frame header (never masked) for `length` payload bytes. */
function header(opcode: number, fin: boolean, length: number): Buffer {
  const first = (fin ? 0x80 : 0) | opcode
  if (length < 126) return Buffer.from([first, length])
  if (length < 65536) return Buffer.from([first, 126, length >> 8, length & 0xff])
  const h = Buffer.alloc(10)
  h[0] = first
  h[1] = 127
  h.writeBigUInt64BE(BigInt(length), 2)
  return h
}

const frame = (opcode: number, payload: Buffer) => Buffer.concat([header(opcode, true, payload.length), payload])

function ticker(code: string, n: number): Buffer {
  return Buffer.from(
    `{"type":"ticker","code":"${code}","trade_price":${n},"timestamp":${Date.now()},"stream_type":"REALTIME"}`,
  )
}

export function startHostilePeer(o: {
  attack: Attack
  attackConnections?: number
  /** the attack comes this long after the subscribe, and not before `attackAtMs` (epoch ms) */
  attackAfterMs?: number
  attackAtMs?: number
}): HostilePeer {
  let connections = 0
  let attacks = 0
  const attackConnections = o.attackConnections ?? 1
  const all = new Set<Socket<State>>()

  const stopTimers = (s: Socket<State>) => {
    for (const t of s.data.timers) clearInterval(t)
    s.data.timers.length = 0
  }
  /** writes `chunk` every TRICKLE_MS up to `total` bytes while the peer keeps reading */
  const trickle = (s: Socket<State>, total: number, next?: () => Buffer) => {
    let sent = 0
    // what the socket did not take last time: frames must go out whole, in order
    let pending: Buffer | undefined
    const t = setInterval(() => {
      if (s.data.closed || sent >= total) return clearInterval(t)
      const piece = pending ?? (next ? next() : CHUNK)
      const n = Math.max(0, s.write(piece))
      sent += n
      pending = n < piece.length ? piece.subarray(n) : undefined
    }, TRICKLE_MS)
    s.data.timers.push(t)
  }

  const attack = (s: Socket<State>, codes: string[]) => {
    attacks++
    stopTimers(s)
    switch (o.attack) {
      case 'huge-frame':
        s.write(header(2, true, HUGE))
        return trickle(s, HUGE)
      case 'fragments-past-limit': {
        // 256-KiB fragments, each under any limit, their sum past all of them
        const piece = Buffer.alloc(256 * 1024, 0x61)
        let first = true
        return trickle(s, HUGE, () => {
          const opcode = first ? 2 : 0
          first = false
          return Buffer.concat([header(opcode, false, piece.length), piece])
        })
      }
      case 'huge-ping':
        s.write(header(9, true, HUGE))
        return trickle(s, HUGE)
      case 'bad-utf8-text': {
        // otherwise a valid ticker of a subscribed market: only the UTF-8 rule refuses it
        const code = codes[0] ?? 'KRW-BTC'
        const bad = Buffer.concat([
          Buffer.from(`{"type":"ticker","code":"${code}","trade_price":1,"timestamp":${Date.now()},"x":"`),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from('"}'),
        ])
        s.write(frame(1, bad))
        return
      }
      case 'endless-headers':
        return // answered in the handshake
    }
  }

  const onSubscribe = (s: Socket<State>, text: string) => {
    let codes: string[] = []
    try {
      codes = (JSON.parse(text) as Array<{ codes?: string[] }>).find((r) => r.codes)?.codes ?? []
    } catch {
      return
    }
    let i = 0
    s.data.timers.push(
      setInterval(() => {
        if (codes.length > 0) s.write(frame(2, ticker(codes[i++ % codes.length]!, i)))
      }, 5),
    )
    if (s.data.n < attackConnections)
      setTimeout(
        () => !s.data.closed && attack(s, codes),
        Math.max(o.attackAfterMs ?? 500, (o.attackAtMs ?? 0) - Date.now()),
      )
  }

  /** client frames: masked; only the subscribe (text), pings and close matter */
  const readFrames = (s: Socket<State>) => {
    let rx = s.data.rx
    for (;;) {
      if (rx.length < 2) break
      const opcode = rx[0]! & 0x0f
      let length = rx[1]! & 0x7f
      let at = 2
      if (length === 126) {
        if (rx.length < 4) break
        length = rx.readUInt16BE(2)
        at = 4
      } else if (length === 127) {
        if (rx.length < 10) break
        length = Number(rx.readBigUInt64BE(2))
        at = 10
      }
      if (rx.length < at + 4 + length) break
      const mask = rx.subarray(at, at + 4)
      const payload = Buffer.from(rx.subarray(at + 4, at + 4 + length))
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!
      rx = rx.subarray(at + 4 + length)
      if (opcode === 1 && payload[0] === 0x5b) onSubscribe(s, payload.toString())
      else if (opcode === 9) s.write(frame(10, payload))
      else if (opcode === 8) {
        s.data.closed = true
        stopTimers(s)
        s.end()
        break
      }
    }
    s.data.rx = Buffer.from(rx)
  }

  const handshake = (s: Socket<State>) => {
    const end = s.data.head.indexOf('\r\n\r\n')
    if (end < 0) return
    const request = s.data.head.subarray(0, end).toString('latin1')
    const rest = s.data.head.subarray(end + 4)
    const key = /sec-websocket-key:\s*(\S+)/i.exec(request)?.[1] ?? ''
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64')
    if (o.attack === 'endless-headers' && s.data.n < attackConnections) {
      attacks++
      s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n')
      let k = 0
      const line = `X-Padding: ${'a'.repeat(1000)}\r\n`
      return trickle(s, HUGE, () => Buffer.from(line.replace('X-Padding', `X-Padding-${k++}`).repeat(256)))
    }
    s.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    )
    s.data.open = true
    s.data.rx = Buffer.from(rest)
    readFrames(s)
  }

  const server: TCPSocketListener<State> = Bun.listen<State>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(s) {
        s.data = {
          n: connections++,
          head: Buffer.alloc(0),
          open: false,
          rx: Buffer.alloc(0),
          timers: [],
          closed: false,
        }
        all.add(s)
      },
      data(s, chunk) {
        if (s.data.open) {
          s.data.rx = Buffer.concat([s.data.rx, chunk])
          return readFrames(s)
        }
        s.data.head = Buffer.concat([s.data.head, chunk])
        if (s.data.head.length > 64 * 1024) return void s.end()
        handshake(s)
      },
      close(s) {
        s.data.closed = true
        stopTimers(s)
        all.delete(s)
      },
      error(s) {
        s.data.closed = true
        stopTimers(s)
      },
    },
  })

  return {
    url: `ws://127.0.0.1:${server.port}/websocket/v1`,
    get connections() {
      return connections
    },
    get attacks() {
      return attacks
    },
    stop() {
      for (const s of all) {
        s.data.closed = true
        stopTimers(s)
        s.terminate()
      }
      server.stop(true)
    },
  }
}

/** The process's resident set, from /proc (a behaviour bound for the tests, not a speed figure). */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}
