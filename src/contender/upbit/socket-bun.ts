/**
 * @module upbit/socket-bun
 * Bun's own WebSocket client. It offers permessage-deflate unless `perMessageDeflate: false`
 * (then it sends no Sec-WebSocket-Extensions header at all), states a refused upgrade in the
 * error's message ("Expected 101 status code: 429"), can send ping frames, and refuses frames
 * over 128 MiB by failing the connection ("Message too big") before buffering them.
 */
import { eventMessage, type SocketFactory } from './socket.ts'

const REFUSED = /Expected 101 status code: (\d{3})/
const TOO_BIG = /Message too big/i

/** Bun's client as Bun types it (the project's types also see Node's, which lack these options). */
type BunWebSocket = WebSocket & { ping(): void }
const BunWebSocket = WebSocket as unknown as new (url: string, options: { perMessageDeflate: boolean }) => BunWebSocket

export const bunSockets: SocketFactory = {
  description:
    `Bun ${Bun.version} WebSocket client: permessage-deflate offered or not through its perMessageDeflate option; ` +
    'a refused upgrade read from the error message ("Expected 101 status code: 429"); ping frames; frames over 128 MiB fail the connection',
  open(url, compression) {
    const socket = new BunWebSocket(url, { perMessageDeflate: compression })
    socket.binaryType = 'arraybuffer'
    return {
      socket,
      refusedStatus(event) {
        const match = REFUSED.exec(eventMessage(event))
        return match ? Number(match[1]) : undefined
      },
      isFrameTooBig: (event) => TOO_BIG.test(eventMessage(event)),
      ping: () => socket.ping(),
    }
  },
}
