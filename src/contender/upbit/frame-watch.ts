/**
 * @module upbit/frame-watch
 * The server's frame headers, read from the raw bytes of a connection beside a client that has no
 * size limit of its own (undici's WebSocket on Node): it says when a data message announces more
 * than MAX_FRAME_BYTES — one frame's header, or a fragmented message's frames so far — before its
 * body arrives, so the connection can be failed instead of the body buffered. It only counts:
 * payloads are skipped, never copied; the client still parses and validates every frame itself.
 * RFC 6455 §5.2.
 */
export class FrameWatch {
  /** payload bytes of the current frame still to pass */
  private skip = 0
  private readonly head = new Uint8Array(14)
  private headLen = 0
  /** payload bytes of the current data message so far (over its fragments) */
  private message = 0

  constructor(private readonly maxBytes: number) {}

  /** Feeds the next bytes from the server; false once a data message has passed the limit. */
  feed(chunk: Uint8Array): boolean {
    let i = 0
    const n = chunk.length
    while (i < n) {
      if (this.skip > 0) {
        const take = Math.min(this.skip, n - i)
        this.skip -= take
        i += take
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
      if (opcode >= 8) continue
      this.message = opcode === 0 ? this.message + length : length
      if (this.message > this.maxBytes) return false
    }
    return true
  }

  /** A client's close frame (masked, RFC 6455 §5.3) carrying `code`. */
  static closeFrame(code: number): Uint8Array {
    const mask = crypto.getRandomValues(new Uint8Array(4))
    const frame = new Uint8Array([0x88, 0x82, ...mask, (code >> 8) ^ mask[0]!, (code & 0xff) ^ mask[1]!])
    return frame
  }
}
