/**
 * @module upbit/socket-bun
 * Bun's own WebSocket client. It offers permessage-deflate unless `perMessageDeflate: false`
 * (then it sends no Sec-WebSocket-Extensions header at all), states a refused upgrade in the
 * error's message ("Expected 101 status code: 429"), can send ping frames, refuses frames over
 * 128 MiB by failing the connection ("Message too big") before buffering them, and fails it on a
 * text frame that is not UTF-8 ("Server sent invalid UTF8"). It has no size option: a frame
 * between MAX_FRAME_BYTES and 128 MiB is buffered whole, then refused by the connection (connection.ts).
 */
import { eventMessage, type SocketFactory } from './socket.ts'

const REFUSED = /Expected 101 status code: (\d{3})/
const TOO_BIG = /Message too big/i
const BAD_UTF8 = /invalid UTF-?8/i

/** Bun's client as Bun types it (the project's types also see Node's, which lack these options). */
type BunWebSocket = WebSocket & { ping(): void }
const BunWebSocket = WebSocket as unknown as new (url: string, options: { perMessageDeflate: boolean }) => BunWebSocket

export const bunSockets: SocketFactory = {
  description:
    `Bun ${Bun.version} WebSocket client: permessage-deflate offered or not through its perMessageDeflate option; ` +
    'a refused upgrade read from the error message ("Expected 101 status code: 429"); ping frames; frames over 128 MiB fail the connection unread, ' +
    'larger ones than MAX_FRAME_BYTES once read (no size option)',
  open(url, compression) {
    const socket = new BunWebSocket(url, { perMessageDeflate: compression })
    socket.binaryType = 'arraybuffer'
    return {
      socket,
      refusedStatus(event) {
        const match = REFUSED.exec(eventMessage(event))
        return match ? Number(match[1]) : undefined
      },
      refusedFrame(event) {
        const message = eventMessage(event)
        return TOO_BIG.test(message) ? 'too-large' : BAD_UTF8.test(message) ? 'bad-utf8' : undefined
      },
      ping: () => socket.ping(),
    }
  },
}
