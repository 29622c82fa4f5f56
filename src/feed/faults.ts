/**
 * @module feed/faults
 * Fault injection for reliability tests: the faults a connection can meet, and malformed frames
 * (every kind a real parser must survive).
 */
export interface Faults {
  /** Close each connection this long after it subscribed (abrupt close; a reconnect gets dropped again after the same time). */
  dropAfterMs?: number
  /** Close a connection after it has been sent N messages (approximate: counted per market publish). */
  dropAfterMessages?: number
  /** Every Nth published message is replaced by a malformed frame, sent as binary like tickers. */
  malformedEvery?: number
  /** Stop sending to a connection stallAfterMs after it subscribed, for stallForMs. */
  stallAfterMs?: number
  stallForMs?: number
  /**
   * The "silent connection": this long after a connection subscribed, it gets no more data frames,
   * but stays open and healthy (pings get pongs, PING gets {"status":"UP"}, requests get answers).
   * Only the first connection that subscribes with a given ticket goes silent, so a client that
   * reconnects on silence (same ticket, as the contenders do) gets data again.
   */
  silenceAfterMs?: number
  /** At most this many connections go silent (default: no cap), for clients whose tickets change on every connect. */
  silenceMax?: number
  /** WebSocket upgrades beyond this per rolling second per IP get HTTP 429; overrides `upbitLimits`' 5/s. */
  maxConnectionsPerSec?: number
}

const HUGE_BYTES = 200 * 1024

/** Rotates through the kinds so any run with a few malformed frames meets all of them. */
export function malformedFrame(sequence: number, code: string, validFrame: () => string): string {
  switch (sequence % 4) {
    case 0:
      return `<html>502 Bad Gateway ${code}</html>` // not JSON at all
    case 1: {
      const frame = validFrame()
      return frame.slice(0, Math.floor(frame.length / 2)).replace(/}+$/, '') // truncated JSON, never ending in a brace
    }
    case 2:
      return `{"type":"ticker","code":123,"trade_price":"${code}","timestamp":"soon","stream_type":"REALTIME"}` // wrong types
    default:
      return `{"type":"ticker","code":"${code}","padding":"${'x'.repeat(HUGE_BYTES)}"` // huge and unterminated
  }
}

/** Decides which connections go silent: each ticket once, and at most `silenceMax` in all, since the faults were last set. */
export class SilencePolicy {
  private readonly tickets = new Set<string>()
  private count = 0

  constructor(private readonly faults: Faults) {}

  claim(ticket: string | number): boolean {
    const { silenceAfterMs, silenceMax } = this.faults
    const key = String(ticket)
    if (silenceAfterMs === undefined || this.tickets.has(key)) return false
    if (silenceMax !== undefined && this.count >= silenceMax) return false
    this.tickets.add(key)
    this.count++
    return true
  }
}
