/**
 * @module feed/faults
 * Fault injection for reliability tests: malformed frames (every kind a real parser must survive)
 * and the connection-rate limit Upbit enforces with HTTP 429 on the upgrade.
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
  /** WebSocket upgrades beyond this per rolling second get HTTP 429 instead of the upgrade. */
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

/** Upbit's 429 answer; the exact body is undocumented (see upbit-protocol.md §3), this is its REST error shape. */
export const TOO_MANY_REQUESTS = JSON.stringify({ error: { name: 'too_many_requests', message: 'Too Many Requests' } })

/** Counts events in a rolling one-second window. */
export class RollingWindow {
  private times: number[] = []

  /** Records an attempt and returns how many happened in the last second, this one included. */
  hit(now = performance.now()): number {
    const times = this.times
    while (times.length > 0 && now - times[0]! >= 1000) times.shift()
    times.push(now)
    return times.length
  }

  count(now = performance.now()): number {
    while (this.times.length > 0 && now - this.times[0]! >= 1000) this.times.shift()
    return this.times.length
  }
}
