/**
 * @module upbit/socket-ws
 * The `ws` package on Node: the WebSocket client most Node services reach for. It parses frames
 * in native-backed Buffers without undici's per-frame copies, inflates synchronously when it can,
 * offers permessage-deflate only through its `perMessageDeflate` option, states a refused upgrade
 * in its error ("Unexpected server response: 429"), sends ping frames, and refuses a message over
 * `maxPayload` while it is still arriving (close 1009).
 */
import WS from 'ws'
import { eventMessage, type SocketFactory } from './socket.ts'

const REFUSED = /Unexpected server response: (\d{3})/
// ws's own limit on one message, far above any Upbit frame: the contract's MAX_FRAME_BYTES is judged by the pipeline
const MAX_PAYLOAD = 128 * 1024 * 1024

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
    'a refused upgrade read from the error ("Unexpected server response: 429"); ping frames; messages over 128 MiB fail the connection',
  open(url, compression) {
    const socket = new WS(url, { perMessageDeflate: compression, maxPayload: MAX_PAYLOAD })
    socket.binaryType = 'nodebuffer'
    return {
      // ws implements the EventTarget-style API the client uses (onopen, onmessage, onclose, onerror)
      socket: socket as unknown as WebSocket,
      refusedStatus(event) {
        const match = REFUSED.exec(eventMessage(event))
        return match ? Number(match[1]) : undefined
      },
      isFrameTooBig: (event) =>
        (event as { error?: { code?: string } }).error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      ping: () => socket.ping(),
    }
  },
}
