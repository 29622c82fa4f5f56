/**
 * @module upbit/socket-ws
 * The `ws` package on Node, node-tuned's client (its inflate made synchronous by
 * ws-sync-inflate.ts): the WebSocket client most Node services reach for. It parses frames
 * in native-backed Buffers without undici's per-frame copies (its own inflate is asynchronous),
 * offers permessage-deflate only through its `perMessageDeflate` option, states a refused upgrade
 * in its error ("Unexpected server response: 429"), sends ping frames, and refuses a message over
 * `maxPayload` (MAX_FRAME_BYTES) while it is still arriving (close 1009) and a text frame that is
 * not UTF-8 (close 1007).
 */
import WS from 'ws'
import { eventMessage, type RefusedFrame, type SocketFactory } from './socket.ts'

const REFUSED = /Unexpected server response: (\d{3})/
/** ws's error codes for a message it refused unread (it closes with 1009 / 1007 itself) */
const REFUSED_FRAMES: Record<string, RefusedFrame> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'too-large',
  WS_ERR_INVALID_UTF8: 'bad-utf8',
}

const version = (() => {
  try {
    return (require('ws/package.json') as { version: string }).version
  } catch {
    return '?'
  }
})()

export const wsSockets: SocketFactory = {
  description:
    `Node ${process.versions.node} with ws ${version}: permessage-deflate offered or not through its perMessageDeflate option; ` +
    'a refused upgrade read from the error ("Unexpected server response: 429"); ping frames; a message over MAX_FRAME_BYTES ' +
    '(maxPayload, from its header or its fragments) or a text frame not UTF-8 fails the connection unread',
  open(url, compression, maxFrameBytes) {
    const socket = new WS(url, { perMessageDeflate: compression, maxPayload: maxFrameBytes })
    socket.binaryType = 'nodebuffer'
    // ws emits the error (with its code) before the close; both handlers of the client ask afterwards
    let refused: RefusedFrame | undefined
    socket.on('error', (error: Error & { code?: string }) => {
      refused ??= error.code ? REFUSED_FRAMES[error.code] : undefined
    })
    return {
      // ws implements the EventTarget-style API the client uses (onopen, onmessage, onclose, onerror)
      socket: socket as unknown as WebSocket,
      refusedStatus(event) {
        const match = REFUSED.exec(eventMessage(event))
        return match ? Number(match[1]) : undefined
      },
      refusedFrame: () => refused,
      ping: () => socket.ping(),
    }
  },
}
