import { describe, expect, test } from 'bun:test'
import { checkFrame, frameRules } from './frame-check.ts'

const codes = ['KRW-BTC', 'BTC-ETH']
const ticker = frameRules('ticker', codes)
const trade = frameRules('trade', codes)
const orderbook = frameRules('orderbook', codes)
const tickerFrame = (code: string, price = '32287000') =>
  Buffer.from(
    `{"type":"ticker","code":"${code}","opening_price":31883000,"trade_price":${price},"trade_timestamp":1676965262139,"timestamp":1676965262177,"stream_type":"REALTIME"}`,
  )
const tradeFrame = Buffer.from(
  '{"type":"trade","code":"KRW-BTC","timestamp":1584508285812,"trade_price":-1.5,"trade_volume":0.06}',
)
const orderbookFrame = Buffer.from(
  '{"type":"orderbook","code":"BTC-ETH","total_ask_size":1,"orderbook_units":[{"ask_price":1}],"timestamp":1584508285812}',
)

describe('cheap frame check', () => {
  test('a ticker of a subscribed market passes with its code and timestamp', () => {
    expect(checkFrame(tickerFrame('KRW-BTC'), ticker)).toEqual({
      kind: 'valid',
      code: 'KRW-BTC',
      timestampMs: 1676965262177,
    })
  })

  test('trade frames need a numeric trade_price, orderbook frames their units', () => {
    expect(checkFrame(tradeFrame, trade)).toEqual({ kind: 'valid', code: 'KRW-BTC', timestampMs: 1584508285812 })
    expect(checkFrame(orderbookFrame, orderbook)).toEqual({
      kind: 'valid',
      code: 'BTC-ETH',
      timestampMs: 1584508285812,
    })
    // a ticker on the orderbook channel has no units, an orderbook frame on the ticker channel no price
    expect(checkFrame(tickerFrame('KRW-BTC'), orderbook)).toEqual({ kind: 'invalid', reason: 'bad-payload' })
    expect(checkFrame(orderbookFrame, ticker)).toEqual({ kind: 'invalid', reason: 'bad-payload' })
  })

  test.each([
    ['not-json', Buffer.from('hello')],
    ['not-json', tickerFrame('KRW-BTC').subarray(0, 60)],
    ['no-code', Buffer.from('{"type":"ticker"}')],
    ['no-code', Buffer.from('{"type":"ticker","code":123}')],
    ['unknown-code', tickerFrame('KRW-NOPE')],
    ['bad-payload', tickerFrame('KRW-BTC', '"abc"')],
    ['bad-payload', Buffer.from('{"type":"ticker","code":"KRW-BTC","price":1}')],
  ])('%s frames are named so', (reason, frame) => {
    expect(checkFrame(frame, ticker)).toEqual({ kind: 'invalid', reason } as never)
  })

  test('status answers and error frames are told apart from data, errors by name', () => {
    expect(checkFrame(Buffer.from('{"status":"UP"}'), ticker)).toEqual({ kind: 'status' })
    expect(checkFrame(Buffer.from('{"error":{"name":"NO_TICKET","message":"x"}}'), ticker)).toEqual({
      kind: 'error',
      name: 'NO_TICKET',
    })
    expect(checkFrame(Buffer.from('{"error":{"name":404,"message":"Code not found"}}'), ticker)).toEqual({
      kind: 'error',
      name: '404',
    })
    expect(checkFrame(Buffer.from('{"error":{"message":"x"}}'), ticker)).toEqual({ kind: 'error', name: 'unnamed' })
  })
})
