/**
 * @module upbit/socket-deno
 * Deno's WebSocket client (Rust, fastwebsockets), as seen on Deno 2.9 against the project's
 * peers (src/contender/integration/ws-server.fixture.ts, src/bench/hostile-ws.fixture.ts):
 * - it never offers permessage-deflate (no Sec-WebSocket-Extensions header, and no option to add
 *   the extension: a server's compressed frames could not be read), so WS_COMPRESSION=on is not
 *   honoured: the report states `none` as negotiated, which is what happened;
 * - a refused upgrade is an error event whose message carries the status
 *   ("failed to connect to WebSocket: Invalid status code: 429");
 * - it has no ping(): text `PING` keepalives;
 * - it has no size option: a frame is read whole up to its own 64 MiB limit ("Frame too large",
 *   failing the connection unread beyond it), so a frame between MAX_FRAME_BYTES and 64 MiB is
 *   refused by the connection once read (connection.ts), as on Bun; a text frame that is not
 *   UTF-8 fails the connection ("Invalid UTF-8"). A message fragmented into frames each under
 *   the limit is gathered without any bound: this client cannot hold MAX_FRAME_BYTES there.
 */
import { deno } from '../deno-api.ts'
import { eventMessage, type SocketFactory } from './socket.ts'

const REFUSED = /Invalid status code:? (\d{3})/
// a data frame; "Ping frame too large" is a control frame's protocol error, not a refused message
const TOO_BIG = /^(?:Frame|Message) too large/i
const BAD_UTF8 = /invalid UTF-?8/i

export function denoSockets(): SocketFactory {
  return {
    description:
      `Deno ${deno().version.deno} WebSocket client: never offers permessage-deflate (WS_COMPRESSION=on not honoured, reported as none); ` +
      'a refused upgrade read from the error message ("Invalid status code: 429"); text PING keepalives (no ping frames); ' +
      'frames over 64 MiB fail the connection unread, larger ones than MAX_FRAME_BYTES once read (no size option); ' +
      'a message fragmented past MAX_FRAME_BYTES is gathered unbounded (the client has no limit for it)',
    open(url) {
      const socket = new WebSocket(url)
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
        ping: () => socket.send('PING'),
      }
    },
  }
}
