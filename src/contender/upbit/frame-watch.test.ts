import { describe, expect, test } from 'bun:test'
import { FrameWatch } from './frame-watch.ts'

function header(opcode: number, fin: boolean, length: number): Uint8Array {
  const first = (fin ? 0x80 : 0) | opcode
  if (length < 126) return new Uint8Array([first, length])
  if (length < 65536) return new Uint8Array([first, 126, length >> 8, length & 0xff])
  const h = new Uint8Array(10)
  h[0] = first
  h[1] = 127
  new DataView(h.buffer).setBigUint64(2, BigInt(length))
  return h
}
const frame = (opcode: number, fin: boolean, length: number) =>
  Buffer.concat([header(opcode, fin, length), new Uint8Array(length)])

describe('FrameWatch', () => {
  test('frames up to the limit pass, whatever way the bytes are split', () => {
    const bytes = Buffer.concat([frame(2, true, 100), frame(9, true, 4), frame(1, true, 1024), frame(2, true, 300)])
    for (const step of [1, 3, 7, bytes.length]) {
      const w = new FrameWatch(1024)
      for (let i = 0; i < bytes.length; i += step) expect(w.feed(bytes.subarray(i, i + step))).toBe(true)
    }
  })

  test('a header announcing more than the limit fails before any of its body', () => {
    const w = new FrameWatch(1 << 20)
    expect(w.feed(frame(2, true, 10))).toBe(true)
    const big = header(2, true, 1_500_000_000)
    expect(w.feed(big.subarray(0, 5))).toBe(true)
    expect(w.feed(big.subarray(5))).toBe(false)
  })

  test('fragments each under the limit fail once their sum passes it; pings between them do not count', () => {
    const w = new FrameWatch(1000)
    expect(w.feed(frame(2, false, 400))).toBe(true)
    expect(w.feed(frame(9, true, 100))).toBe(true)
    expect(w.feed(frame(0, false, 400))).toBe(true)
    expect(w.feed(frame(0, true, 400))).toBe(false)
  })

  test('a new message starts its count afresh', () => {
    const w = new FrameWatch(1000)
    expect(w.feed(Buffer.concat([frame(2, false, 600), frame(0, true, 400), frame(2, true, 1000)]))).toBe(true)
  })

  test('the close frame is masked and carries the code', () => {
    const f = FrameWatch.closeFrame(1009)
    expect([f[0], f[1]]).toEqual([0x88, 0x82])
    expect(((f[6]! ^ f[2]!) << 8) | (f[7]! ^ f[3]!)).toBe(1009)
  })
})
