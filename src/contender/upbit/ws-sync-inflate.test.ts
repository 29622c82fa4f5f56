/**
 * The synchronous inflate node-tuned gives ws (ws-sync-inflate.ts), against what a permessage-
 * deflate server sends: messages deflated with context takeover (each one's back-references may
 * reach into the ones before), a message split over fragments, a small frame that would inflate
 * past the payload bound, and corrupt data.
 */
import { describe, expect, test } from 'bun:test'
import { constants, createDeflateRaw, deflateRawSync } from 'node:zlib'
import { InflateLimitError, SyncInflate } from './ws-sync-inflate.ts'

/** What a server with context takeover sends: one deflate stream, a sync flush per message, its 00 00 ff ff tail removed. */
async function deflatedMessages(messages: string[]): Promise<Buffer[]> {
  const deflate = createDeflateRaw({ windowBits: 15 })
  const out: Buffer[] = []
  for (const m of messages) {
    deflate.write(Buffer.from(m))
    const chunk = await new Promise<Buffer>((resolve) =>
      deflate.flush(constants.Z_SYNC_FLUSH, () => {
        const parts: Buffer[] = []
        for (let c = deflate.read(); c; c = deflate.read()) parts.push(c as Buffer)
        resolve(Buffer.concat(parts))
      }),
    )
    out.push(chunk.subarray(0, chunk.length - 4))
  }
  deflate.close()
  return out
}

const ticker = (i: number) =>
  JSON.stringify({ type: 'ticker', code: `KRW-C${i % 7}`, trade_price: 1000 + i, stream_type: 'REALTIME', seq: i })

describe('SyncInflate', () => {
  test('messages deflated with context takeover come back byte for byte, in order', async () => {
    const messages = Array.from({ length: 500 }, (_, i) => ticker(i))
    const frames = await deflatedMessages(messages)
    // the later frames lean on the window: far smaller than their text
    expect(frames.at(-1)!.length).toBeLessThan(messages.at(-1)!.length / 2)
    const inflate = new SyncInflate(15)
    const got = frames.map((f) => Buffer.concat(inflate.run(f, true, Infinity)).toString())
    expect(got).toEqual(messages)
  })

  test('a message larger than one output chunk, and one split over fragments', async () => {
    const big = 'x'.repeat(100_000) + ticker(1)
    const [frame] = await deflatedMessages([big])
    const inflate = new SyncInflate(15)
    const third = Math.floor(frame!.length / 3)
    const parts = [
      ...inflate.run(frame!.subarray(0, third), false, Infinity),
      ...inflate.run(frame!.subarray(third, 2 * third), false, Infinity),
      ...inflate.run(frame!.subarray(2 * third), true, Infinity),
    ]
    expect(Buffer.concat(parts).toString()).toBe(big)
  })

  test('a small frame inflating past the bound fails while inflating, not after', async () => {
    const bomb = deflateRawSync(Buffer.alloc(50_000_000), { level: 9 })
    expect(bomb.length).toBeLessThan(100_000)
    const inflate = new SyncInflate(15)
    const started = performance.now()
    expect(() => inflate.run(bomb, true, 1_000_000)).toThrow(InflateLimitError)
    // stopping at the bound, not after 50 MB: far under what inflating all of it takes
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  test("corrupt data throws zlib's error", () => {
    const inflate = new SyncInflate(15)
    expect(() => inflate.run(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]), true, Infinity)).toThrow()
  })
})
