/**
 * @module upbit/socket-node
 * Node's global WebSocket (undici; unflagged since Node 22). undici always offers
 * permessage-deflate and reports a refused upgrade only as "Received network error or non-101
 * status code", without the status. Both are reached through the one hook undici has: a
 * `dispatcher` per socket that forwards to the global one, dropping the extension offer when
 * compression is off and reading the upgrade's HTTP status on the way back. undici's WebSocket
 * cannot send ping frames (text `PING` instead) and buffers a frame of any size whole (up to
 * 2 GiB; only an inflated message is capped, at 4 MiB), so the same dispatcher also hands the
 * upgraded TCP socket to a FrameWatch (frame-watch.ts) that reads the frame headers beside undici
 * and fails the connection (close 1009) as soon as a message announces more than MAX_FRAME_BYTES.
 */
import { FrameWatch } from './frame-watch.ts'
import { eventMessage, type ClientSocket, type RefusedFrame, type SocketFactory } from './socket.ts'

/** Where undici keeps its global dispatcher, shared by every copy of undici in the process. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1')
const EXTENSIONS = 'sec-websocket-extensions'

type Headers = Record<string, unknown> | unknown[] | undefined
interface DispatchOptions {
  headers?: Headers
  [key: string]: unknown
}
type Handler = Record<string | symbol, unknown>
interface RawSocket {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown
  off(event: 'data', listener: (chunk: Buffer) => void): unknown
  write(data: Uint8Array): unknown
  destroy(): unknown
}

/** undici's own words when it fails a connection over a frame (it sends no close code the client could read) */
const BAD_UTF8 = /invalid UTF-?8/i
const INFLATED_TOO_BIG = /decompressed message size exceeded/i
interface Dispatcher {
  dispatch(options: DispatchOptions, handler: Handler): boolean
}

function withoutExtensionOffer(headers: Headers): Headers {
  if (Array.isArray(headers)) {
    const kept: unknown[] = []
    for (let i = 0; i < headers.length; i += 2)
      if (String(headers[i]).toLowerCase() !== EXTENSIONS) kept.push(headers[i], headers[i + 1])
    return kept
  }
  if (!headers) return headers
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== EXTENSIONS))
}

/** The handler undici's fetch gave, with the response status (and the upgraded socket) noted before it sees them. */
function watchingStatus(
  handler: Handler,
  onStatus: (status: number) => void,
  onSocket: (socket: RawSocket) => void,
): Handler {
  // undici 6 calls onHeaders / onUpgrade with the status first; undici 7+ calls onResponseStart(controller, status)
  // or, for the upgrade, onRequestUpgrade(controller, status, headers, socket)
  const first = new Set(['onHeaders', 'onUpgrade'])
  return new Proxy(handler, {
    get(target, key) {
      const value = target[key]
      if (typeof value !== 'function') return value
      if (key === 'onUpgrade')
        return (status: number, headers: unknown, socket: RawSocket, ...rest: unknown[]) => {
          onStatus(status)
          // before undici reads from it: bytes that came with the 101 are unshifted and re-emitted
          if (status === 101 && socket) onSocket(socket)
          return value.call(target, status, headers, socket, ...rest)
        }
      // undici 7 and later (Node 22+): onRequestUpgrade(controller, status, headers, socket)
      if (key === 'onRequestUpgrade')
        return (controller: unknown, status: number, headers: unknown, socket: RawSocket, ...rest: unknown[]) => {
          onStatus(status)
          if (status === 101 && socket) onSocket(socket)
          return value.call(target, controller, status, headers, socket, ...rest)
        }
      if (first.has(String(key)))
        return (status: number, ...rest: unknown[]) => (onStatus(status), value.call(target, status, ...rest))
      if (key === 'onResponseStart')
        return (controller: unknown, status: number, ...rest: unknown[]) => (
          onStatus(status),
          value.call(target, controller, status, ...rest)
        )
      return value.bind(target)
    },
  })
}

function globalDispatcher(): Dispatcher | undefined {
  // undici sets its global dispatcher up when it loads, which touching WebSocket makes happen
  void globalThis.WebSocket
  return (globalThis as unknown as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER]
}

export function nodeSockets(): SocketFactory {
  const base = globalDispatcher()
  const node = `Node ${process.versions.node} global WebSocket (undici ${process.versions.undici ?? '?'})`
  return {
    description: base
      ? `${node}: permessage-deflate always offered by undici, the offer dropped by a per-socket dispatcher when WS_COMPRESSION=off; ` +
        'a refused upgrade (429) read from the HTTP status in the same dispatcher; text PING keepalives (no ping frames); ' +
        'MAX_FRAME_BYTES held by reading the frame headers on the upgraded socket beside undici (which has no size option)'
      : `${node}: no undici global dispatcher found, so permessage-deflate is always offered (WS_COMPRESSION=off not honoured), a 429 is not recognised ` +
        'and frames are buffered whole before MAX_FRAME_BYTES is checked; text PING keepalives',
    open(url, compression, maxFrameBytes): ClientSocket {
      let status: number | undefined
      let refused: RefusedFrame | undefined
      const watch = (raw: RawSocket) => {
        const frames = new FrameWatch(maxFrameBytes)
        const onData = (chunk: Buffer) => {
          const verdict = frames.feed(chunk)
          if (!verdict) return
          raw.off('data', onData)
          refused = verdict
          raw.write(FrameWatch.closeFrame(verdict === 'too-large' ? 1009 : 1007))
          raw.destroy()
        }
        raw.on('data', onData)
      }
      const dispatcher: Dispatcher | undefined = base && {
        dispatch: (options, handler) =>
          base.dispatch(
            compression ? options : { ...options, headers: withoutExtensionOffer(options.headers) },
            watchingStatus(handler, (s) => (status = s), watch),
          ),
      }
      const socket = dispatcher ? new WebSocket(url, { dispatcher } as never) : new WebSocket(url)
      socket.binaryType = 'arraybuffer'
      return {
        socket,
        refusedStatus: () => (status !== undefined && status !== 101 ? status : undefined),
        refusedFrame(event) {
          if (refused) return refused
          const message = eventMessage(event)
          return INFLATED_TOO_BIG.test(message) ? 'too-large' : BAD_UTF8.test(message) ? 'bad-utf8' : undefined
        },
        ping: () => socket.send('PING'),
      }
    },
  }
}
