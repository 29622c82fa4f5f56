/**
 * @module upbit/plan
 * The connection plan: markets in list order, `perConnection` codes per WebSocket, opened `batch`
 * at a time with `intervalMs` between batches (Upbit allows 5 connections/s per IP). With
 * CONNECT_PHASE_MS ≥ 0 the batches open on wall-clock instants ≡ phase (mod interval), so
 * contenders given different phases never open connections in the same instant.
 */

export interface PlannedConnection {
  index: number
  codes: string[]
  /** when to open it, ms after the first batch */
  openAtMs: number
}

export function planConnections(
  codes: string[],
  perConnection: number,
  batch: number,
  intervalMs: number,
): PlannedConnection[] {
  const plan: PlannedConnection[] = []
  for (let at = 0, index = 0; at < codes.length; at += perConnection, index++) {
    plan.push({ index, codes: codes.slice(at, at + perConnection), openAtMs: Math.floor(index / batch) * intervalMs })
  }
  return plan
}

/**
 * Wall-clock ms of the first batch: now for phase −1; else the first instant t ≥ now with
 * t mod interval = phase. A phase of an interval or more is taken mod the interval; with an
 * interval of 0 every batch opens at once, so there is no instant to align and none is waited for.
 */
export function firstBatchAtMs(nowMs: number, intervalMs: number, phaseMs: number): number {
  if (phaseMs < 0 || intervalMs === 0) return nowMs
  const wait = ((((phaseMs % intervalMs) - (nowMs % intervalMs)) % intervalMs) + intervalMs) % intervalMs
  return nowMs + wait
}
