/**
 * @module upbit/plan
 * The seed's connection plan: markets in list order, `perConnection` codes per WebSocket,
 * opened `batch` at a time with `intervalMs` between batches (Upbit allows 5 connections/s per IP).
 */

export interface PlannedConnection {
  index: number
  codes: string[]
  /** when to open it, ms after the first batch */
  openAtMs: number
}

export function planConnections(codes: string[], perConnection: number, batch: number, intervalMs: number): PlannedConnection[] {
  const plan: PlannedConnection[] = []
  for (let at = 0, index = 0; at < codes.length; at += perConnection, index++) {
    plan.push({ index, codes: codes.slice(at, at + perConnection), openAtMs: Math.floor(index / batch) * intervalMs })
  }
  return plan
}
