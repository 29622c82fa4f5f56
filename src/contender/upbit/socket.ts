/**
 * @module upbit/socket
 * How a runtime opens a WebSocket for the client, and what it can tell about it. The client
 * itself is the WHATWG WebSocket both runtimes provide; what differs is how permessage-deflate
 * is switched on and off, how a refused upgrade (Upbit's 429) shows, and whether a ping frame
 * can be sent: each runtime's factory (socket-bun.ts, socket-node.ts) answers those.
 */

/** A WebSocket message as a client hands it over: text, or binary as an ArrayBuffer or a byte view. */
export type FrameData = ArrayBuffer | Uint8Array | string

/**
 * A data frame the client refused before reading it whole, failing the connection (RFC 6455
 * §7.1.7): larger than MAX_FRAME_BYTES (close 1009), or a text frame that is not UTF-8 (§8.1, 1007).
 */
export type RefusedFrame = 'too-large' | 'bad-utf8'

export interface ClientSocket {
  readonly socket: WebSocket
  /** The HTTP status a refused upgrade was answered with, when the runtime exposes it. */
  refusedStatus(event: Event | undefined): number | undefined
  /** Whether this error or close is the client failing the connection over a frame it refused, and why. */
  refusedFrame(event: Event | undefined): RefusedFrame | undefined
  /** A keepalive: a ping frame where the client can send one, else Upbit's text `PING`. */
  ping(): void
}

export interface SocketFactory {
  /** the report's runtime.websocket: which client, and how it honours WS_COMPRESSION and sees a 429 */
  readonly description: string
  /** `maxFrameBytes`: where the runtime can, a larger message fails the connection before it is buffered */
  open(url: string, compression: boolean, maxFrameBytes: number): ClientSocket
}

/** `permessage-deflate; client_no_context_takeover` → `permessage-deflate`; nothing negotiated → `none`. */
export function negotiatedExtension(extensions: string): string {
  const names = extensions
    .split(',')
    .map((offer) => offer.split(';')[0]!.trim())
    .filter(Boolean)
  return names.length > 0 ? names.join(', ') : 'none'
}

/** The text of an error event, whichever field the runtime put it in. */
export function eventMessage(event: Event | undefined): string {
  const e = event as (Event & { message?: unknown; error?: { message?: unknown } }) | undefined
  return String(e?.message ?? e?.error?.message ?? '')
}
