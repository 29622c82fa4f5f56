/**
 * @module upbit/frame-watch
 * The server's frame headers, read from the raw bytes of a connection beside a client that has no
 * size limit of its own (undici's WebSocket on Node): it says when a data message announces more
 * than MAX_FRAME_BYTES — one frame's header, or a fragmented message's frames so far — before its
 * body arrives, so the connection can be failed instead of the body buffered. Data payloads are
 * skipped, never copied, with one exception: an uncompressed text message (rare: Upbit sends
 * binary) is kept, up to the limit, and checked for UTF-8 when it ends, because undici 7+ fails
 * such a connection without saying why (RFC 6455 §8.1 makes failing it the client's duty; the
 * watch says which it was). RFC 6455 §5.2.
 */
import type { RefusedFrame } from './socket.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

export class FrameWatch {
  /** payload bytes of the current frame still to pass */
  private skip = 0
  private readonly head = new Uint8Array(14)
  private headLen = 0
  /** payload bytes of the current data message so far (over its fragments) */
  private message = 0
  /** the current message's payload while it is an uncompressed text message, else undefined */
  private text: Uint8Array[] | undefined
  /** the current frame: a data frame (whose payload is the message's) or a control frame, and its FIN bit */
  private frame = { data: false, fin: false }

  constructor(private readonly maxBytes: number) {}

  /** Feeds the next bytes from the server; says why once a data message must be refused. */
  feed(chunk: Uint8Array): RefusedFrame | undefined {
    let i = 0
    const n = chunk.length
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i)
        if (this.frame.data) this.text?.push(chunk.slice(i, i + take))
        this.skip -= take
        i += take
        if (this.skip === 0 && !this.frameEndedWell()) return 'bad-utf8'
        continue
      }
      this.head[this.headLen++] = chunk[i++]!
      if (this.headLen < 2) continue
      const short = this.head[1]! & 0x7f
      const needed = 2 + (short === 126 ? 2 : short === 127 ? 8 : 0) + (this.head[1]! & 0x80 ? 4 : 0)
      if (this.headLen < needed) continue
      const length =
        short === 126
          ? (this.head[2]! << 8) | this.head[3]!
          : short === 127
            ? new DataView(this.head.buffer).getUint32(2) * 2 ** 32 + new DataView(this.head.buffer).getUint32(6)
            : short
      const opcode = this.head[0]! & 0x0f
      this.headLen = 0
      this.skip = length
      // control frames (8–15) interleave with a fragmented message and are the client's to judge (≤ 125 bytes)
      this.frame = { data: opcode < 8, fin: (this.head[0]! & 0x80) !== 0 }
      if (!this.frame.data) continue
      this.message = opcode === 0 ? this.message + length : length
      if (this.message > this.maxBytes) return 'too-large'
      // a new message (not a continuation): kept only when it is text and not compressed (RSV1)
      if (opcode !== 0) this.text = opcode === 1 && (this.head[0]! & 0x40) === 0 ? [] : undefined
      if (length === 0 && !this.frameEndedWell()) return 'bad-utf8'
    }
    return undefined
  }

  /** At the end of a frame's payload: false when it ended an uncompressed text message that is not UTF-8. */
  private frameEndedWell(): boolean {
    if (!this.frame.data || !this.frame.fin || this.text === undefined) return true
    const parts = this.text
    this.text = undefined
    try {
      utf8.decode(Buffer.concat(parts))
      return true
    } catch {
      return false
    }
  }

  /** A client's close frame (masked, RFC 6455 §5.3) carrying `code`. */
  static closeFrame(code: number): Uint8Array {
    const mask = crypto.getRandomValues(new Uint8Array(4))
    const frame = new Uint8Array([0x88, 0x82, ...mask, (code >> 8) ^ mask[0]!, (code & 0xff) ^ mask[1]!])
    return frame
  }
}
