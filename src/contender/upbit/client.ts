/**
 * @module upbit/client
 * The WebSocket side of a contender: opens the planned connections in paced batches (on the
 * CONNECT_PHASE_MS grid when one is set), and keeps the run-wide picture: how many are open,
 * the stretches with none open, and `ready` once every connection has subscribed or given up.
 * Each connection's own life is in connection.ts.
 */
import { AllDownClock } from './all-down.ts'
import { Connection, type ConnectionSettings } from './connection.ts'
import type { Channel } from './frame-check.ts'
import { firstBatchAtMs, type PlannedConnection } from './plan.ts'
import type { FrameData, RefusedFrame, SocketFactory } from './socket.ts'
import { emptyStats, type ClientStats } from './stats.ts'
import { subscribeMessage } from './subscribe.ts'

export interface ClientOptions extends Omit<ConnectionSettings, 'ticket' | 'subscribe'> {
  /** `<contender>`: tickets are `<contender>-<index>` */
  ticketPrefix: string
  channel: Channel
  connectIntervalMs: number
  connectPhaseMs: number
  sockets: SocketFactory
  onFrame(data: FrameData): boolean
  onFrameRefused(reason: RefusedFrame): void
  onLog(line: string): void
}

export class UpbitClient {
  readonly stats: ClientStats = emptyStats()
  readonly allDown: AllDownClock
  /** resolves when every connection has subscribed once or been given up */
  readonly ready: Promise<void>
  private readonly connections: Connection[] = []
  private readonly timers: ReturnType<typeof setTimeout>[] = []
  private open = 0

  constructor(plan: PlannedConnection[], o: ClientOptions) {
    const now = Date.now()
    this.allDown = new AllDownClock(now)
    // Node 20 has no Promise.withResolvers
    let resolve!: () => void
    this.ready = new Promise<void>((r) => (resolve = r))
    let waiting = plan.length
    if (waiting === 0) resolve()
    const events = {
      onFrame: o.onFrame,
      onFrameRefused: o.onFrameRefused,
      onLog: o.onLog,
      onOpenChange: (delta: 1 | -1) => {
        this.open += delta
        this.allDown.openCount(this.open, Date.now())
      },
      onSettled: () => {
        if (--waiting === 0) resolve()
      },
    }
    const first = firstBatchAtMs(now, o.connectIntervalMs, o.connectPhaseMs)
    for (const planned of plan) {
      const ticket = `${o.ticketPrefix}-${planned.index}`
      const settings: ConnectionSettings = {
        ...o,
        ticket,
        subscribe: subscribeMessage(ticket, o.channel, planned.codes),
      }
      const connection = new Connection(planned, settings, this.stats, events)
      this.connections.push(connection)
      this.timers.push(setTimeout(() => connection.open(), first + planned.openAtMs - now))
    }
  }

  /** connections open right now */
  get live(): number {
    return this.open
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer)
    for (const connection of this.connections) connection.close()
  }
}
