/**
 * @module upbit/socket-node
 * Node's global WebSocket (undici; unflagged since Node 22). undici always offers
 * permessage-deflate and reports a refused upgrade only as "Received network error or non-101
 * status code", without the status. Both are reached through the one hook undici has: a
 * `dispatcher` per socket that forwards to the global one, dropping the extension offer when
 * compression is off and reading the upgrade's HTTP status on the way back. undici's WebSocket
 * cannot send ping frames (text `PING` instead) and buffers a frame of any size whole.
 */
import { type ClientSocket, type SocketFactory } from './socket.ts'

/** Where undici keeps its global dispatcher, shared by every copy of undici in the process. */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1')
const EXTENSIONS = 'sec-websocket-extensions'

type Headers = Record<string, unknown> | unknown[] | undefined
interface DispatchOptions {
  headers?: Headers
  [key: string]: unknown
}
type Handler = Record<string | symbol, unknown>
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

/** The handler undici's fetch gave, with the response status noted before it sees it. */
function watchingStatus(handler: Handler, onStatus: (status: number) => void): Handler {
  // undici 6 calls onHeaders / onUpgrade with the status first; undici 7 calls onResponseStart(controller, status)
  const first = new Set(['onHeaders', 'onUpgrade'])
  return new Proxy(handler, {
    get(target, key) {
      const value = target[key]
      if (typeof value !== 'function') return value
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
        'a refused upgrade (429) read from the HTTP status in the same dispatcher; text PING keepalives (no ping frames); no frame size limit'
      : `${node}: no undici global dispatcher found, so permessage-deflate is always offered (WS_COMPRESSION=off not honoured) and a 429 is not recognised; text PING keepalives`,
    open(url, compression): ClientSocket {
      let status: number | undefined
      const dispatcher: Dispatcher | undefined = base && {
        dispatch: (options, handler) =>
          base.dispatch(
            compression ? options : { ...options, headers: withoutExtensionOffer(options.headers) },
            watchingStatus(handler, (s) => (status = s)),
          ),
      }
      const socket = dispatcher ? new WebSocket(url, { dispatcher } as never) : new WebSocket(url)
      socket.binaryType = 'arraybuffer'
      return {
        socket,
        refusedStatus: () => (status !== undefined && status !== 101 ? status : undefined),
        isFrameTooBig: () => false,
        ping: () => socket.send('PING'),
      }
    },
  }
}
