/**
 * @module feed/conn-faults
 * The faults that hit one connection, armed relative to when it subscribed: drop (abrupt close,
 * after a time or about N messages), stall (no data for a while, then data again) and silence (no
 * data ever again, the connection otherwise healthy). A stalled or silenced connection is
 * unregistered from the hub, so nothing is queued for it, as a server that stopped writing.
 */
import { SilencePolicy, type Faults } from './faults.ts'
import type { Hub } from './hub.ts'
import type { Conn, Socket } from './conn.ts'

export function receiving(c: Conn): boolean {
  return !c.closed && !c.stalled && !c.silenced
}

export class ConnFaults {
  counts = { dropped: 0, stalled: 0, silenced: 0 }
  private faults: Faults = {}
  private silence = new SilencePolicy({})

  constructor(
    private readonly hub: Hub,
    private readonly release: (ws: Socket) => void,
  ) {}

  /** New faults apply to open connections too, from their own subscribe time; the silence policy starts over. */
  set(faults: Faults, conns: Iterable<Socket>): void {
    this.faults = faults
    this.silence = new SilencePolicy(faults)
    for (const ws of conns) {
      ws.data.silenceArmed = false
      this.arm(ws)
    }
  }

  resetCounts(): void {
    this.counts = { dropped: 0, stalled: 0, silenced: 0 }
  }

  arm(ws: Socket): void {
    const c = ws.data
    for (const name of ['drop', 'stall', 'silence'] as const) clearTimeout(c.timers[name])
    if (c.subscribedAt === 0 || c.closed) return
    const elapsed = performance.now() - c.subscribedAt
    const { dropAfterMs, stallAfterMs, stallForMs, silenceAfterMs } = this.faults
    if (dropAfterMs !== undefined) c.timers.drop = setTimeout(() => this.drop(ws), Math.max(0, dropAfterMs - elapsed))
    if (stallAfterMs !== undefined && stallForMs !== undefined && !c.stalled) {
      c.timers.stall = setTimeout(() => this.stall(ws, stallForMs), Math.max(0, stallAfterMs - elapsed))
    }
    if (
      silenceAfterMs !== undefined &&
      !c.silenced &&
      (c.silenceArmed || this.silence.claim(c.ticket ?? `connection-${c.id}`))
    ) {
      c.silenceArmed = true
      c.timers.silence = setTimeout(() => this.silenceNow(ws), Math.max(0, silenceAfterMs - elapsed))
    }
  }

  /** dropAfterMessages is checked once per scheduler tick: cheap, and approximate as documented. */
  afterTick(conns: Iterable<Socket>): void {
    const limit = this.faults.dropAfterMessages
    if (limit === undefined) return
    for (const ws of conns) {
      const c = ws.data
      if (c.subscribedAt === 0) continue
      let sent = -c.base
      for (const s of c.subs) for (const m of s.markets) sent += this.hub.published[m]!
      if (sent >= limit) this.drop(ws)
    }
  }

  private drop(ws: Socket): void {
    if (ws.data.closed) return
    this.counts.dropped++
    this.release(ws)
    ws.terminate()
  }

  private stall(ws: Socket, forMs: number): void {
    const c = ws.data
    if (c.closed || c.stalled) return
    c.stalled = true
    this.counts.stalled++
    this.hub.unregister(ws, c)
    c.timers.stall = setTimeout(() => {
      c.stalled = false
      if (receiving(c)) this.hub.register(ws, c)
    }, forMs)
  }

  private silenceNow(ws: Socket): void {
    const c = ws.data
    if (c.closed || c.silenced) return
    c.silenced = true
    this.counts.silenced++
    this.hub.unregister(ws, c)
  }
}
