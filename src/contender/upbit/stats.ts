/**
 * @module upbit/stats
 * What the WebSocket side counts over a run, summed over every connection (the report's
 * `connections` section).
 */

export interface ClientStats {
  opened: number
  reconnects: number
  /** connections given up after their retries */
  failed: number
  /** upgrades answered with HTTP 429 */
  rateLimited: number
  handshakeTimeouts: number
  silenceReconnects: number
  flaps: number
  disconnectedMs: number
  /** µs from opening the socket to its open event, one per successful open */
  connectUs: number[]
  /** the extension each open negotiated (`none` when the server accepted none) */
  extensions: Set<string>
}

export function emptyStats(): ClientStats {
  return {
    opened: 0,
    reconnects: 0,
    failed: 0,
    rateLimited: 0,
    handshakeTimeouts: 0,
    silenceReconnects: 0,
    flaps: 0,
    disconnectedMs: 0,
    connectUs: [],
    extensions: new Set(),
  }
}

/** The report's `connections.compression`: every distinct negotiated extension, joined with " | ". */
export function compressionOf(stats: ClientStats): string {
  return stats.extensions.size > 0 ? [...stats.extensions].sort().join(' | ') : 'none'
}
