import { describe, expect, test } from 'bun:test'
import { checkFrame } from './frame-check.ts'

const markets = new Set(['KRW-BTC', 'BTC-ETH'])
const ticker = (code: string, price = '32287000') =>
  Buffer.from(`{"type":"ticker","code":"${code}","opening_price":31883000,"trade_price":${price},"trade_timestamp":1676965262139,"timestamp":1676965262177,"stream_type":"REALTIME"}`)

describe('cheap frame check', () => {
  test('a ticker of a subscribed market passes with its code and timestamp', () => {
    expect(checkFrame(ticker('KRW-BTC'), markets)).toEqual({ ok: true, code: 'KRW-BTC', timestampMs: 1676965262177 })
  })

  test.each([
    ['not-json', Buffer.from('hello')],
    ['not-json', ticker('KRW-BTC').subarray(0, 60)],
    ['unknown-code', ticker('KRW-NOPE')],
    ['bad-price', ticker('KRW-BTC', '"abc"')],
    ['no-code', Buffer.from('{"type":"ticker"}')],
    ['status', Buffer.from('{"status":"UP"}')],
    ['error', Buffer.from('{"error":{"name":"NO_TICKET","message":"x"}}')],
  ])('%s frames are recognised', (reason, frame) => {
    expect(checkFrame(frame, markets)).toEqual({ ok: false, reason } as never)
  })
})
