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
const withPayload = (opcode: number, fin: boolean, payload: Uint8Array, rsv1 = false) => {
  const h = header(opcode, fin, payload.length)
  if (rsv1) h[0]! |= 0x40
  return Buffer.concat([h, payload])
}
const BAD = new Uint8Array([0x68, 0x69, 0xc3, 0x28]) // "hi" then a broken two-byte sequence

describe('FrameWatch', () => {
  test('frames up to the limit pass, whatever way the bytes are split', () => {
    const bytes = Buffer.concat([frame(2, true, 100), frame(9, true, 4), frame(1, true, 1024), frame(2, true, 300)])
    for (const step of [1, 3, 7, bytes.length]) {
      const w = new FrameWatch(1024)
      for (let i = 0; i < bytes.length; i += step) expect(w.feed(bytes.subarray(i, i + step))).toBeUndefined()
    }
  })

  test('a header announcing more than the limit fails before any of its body', () => {
    const w = new FrameWatch(1 << 20)
    expect(w.feed(frame(2, true, 10))).toBeUndefined()
    const big = header(2, true, 1_500_000_000)
    expect(w.feed(big.subarray(0, 5))).toBeUndefined()
    expect(w.feed(big.subarray(5))).toBe('too-large')
  })

  test('fragments each under the limit fail once their sum passes it; pings between them do not count', () => {
    const w = new FrameWatch(1000)
    expect(w.feed(frame(2, false, 400))).toBeUndefined()
    expect(w.feed(frame(9, true, 100))).toBeUndefined()
    expect(w.feed(frame(0, false, 400))).toBeUndefined()
    expect(w.feed(frame(0, true, 400))).toBe('too-large')
  })

  test('a new message starts its count afresh', () => {
    const w = new FrameWatch(1000)
    expect(w.feed(Buffer.concat([frame(2, false, 600), frame(0, true, 400), frame(2, true, 1000)]))).toBeUndefined()
  })

  test('an uncompressed text message that is not UTF-8 is refused when it ends, across fragments and split bytes', () => {
    const whole = withPayload(1, true, BAD)
    for (const step of [1, 2, whole.length]) {
      const w = new FrameWatch(1024)
      const verdicts = []
      for (let i = 0; i < whole.length; i += step) verdicts.push(w.feed(whole.subarray(i, i + step)))
      expect(verdicts.at(-1)).toBe('bad-utf8')
    }
    // split over a continuation, a ping in between: judged on the whole message
    const w = new FrameWatch(1024)
    expect(w.feed(withPayload(1, false, BAD.subarray(0, 3)))).toBeUndefined()
    expect(w.feed(withPayload(9, true, new Uint8Array([0xff, 0xfe])))).toBeUndefined()
    expect(w.feed(withPayload(0, true, BAD.subarray(3)))).toBe('bad-utf8')
  })

  test('valid text, binary frames and compressed text (the client inflates and judges it) pass', () => {
    const w = new FrameWatch(1024)
    const good = new TextEncoder().encode('{"code":"KRW-BTC","é":1}')
    expect(w.feed(withPayload(1, true, good))).toBeUndefined()
    expect(w.feed(withPayload(2, true, BAD))).toBeUndefined()
    expect(w.feed(withPayload(1, true, BAD, true))).toBeUndefined()
    // a UTF-8 sequence split between two fragments is fine
    expect(w.feed(withPayload(1, false, good.subarray(0, 20)))).toBeUndefined()
    expect(w.feed(withPayload(0, true, good.subarray(20)))).toBeUndefined()
  })

  test('the close frame is masked and carries the code', () => {
    const f = FrameWatch.closeFrame(1009)
    expect([f[0], f[1]]).toEqual([0x88, 0x82])
    expect(((f[6]! ^ f[2]!) << 8) | (f[7]! ^ f[3]!)).toBe(1009)
  })
})
