import { describe, expect, test } from 'bun:test'
import { ConfigError, parseConfig } from './config.ts'

describe('contender config', () => {
  test('defaults are the seed numbers', () => {
    const c = parseConfig({}, [], 'bun')
    expect(c).toMatchObject({
      contender: 'bun',
      testDurationS: 60,
      topic: 'upbit-ticker-bun',
      marketsPerConnection: 15,
      connectBatch: 2,
      connectIntervalMs: 2000,
      pingIntervalMs: 20_000,
      reconnectMaxRetries: 3,
      startMode: 'auto',
      upbitRestUrl: 'https://api.upbit.com',
      upbitWsUrl: 'wss://api.upbit.com/websocket/v1',
    })
  })

  test('flags override the environment', () => {
    const c = parseConfig({ TEST_DURATION: '5' }, ['--test-duration', '7', '--kafka-topic=t1'], 'node')
    expect(c.testDurationS).toBe(7)
    expect(c.topic).toBe('t1')
    expect(c.contender).toBe('node')
  })

  test.each([
    [{ TEST_DURATION: 'abc' }, /TEST_DURATION .*"abc"/],
    [{ TEST_DURATION: '-5' }, /TEST_DURATION .*"-5".*> 0/],
    [{ TEST_DURATION: '0' }, /TEST_DURATION/],
    [{ UPBIT_WS_URL: 'http://x' }, /UPBIT_WS_URL .*"http:\/\/x".*ws/],
    [{ UPBIT_REST_URL: 'not a url' }, /UPBIT_REST_URL .*"not a url"/],
    [{ KAFKA_BOOTSTRAP_SERVERS: 'localhost' }, /KAFKA_BOOTSTRAP_SERVERS .*"localhost"/],
    [{ START_MODE: 'later' }, /START_MODE .*"later"/],
    [{ CONTENDER: 'rust' }, /CONTENDER .*"rust"/],
  ])('%p is rejected naming the field and the value', (env, message) => {
    expect(() => parseConfig(env, [], 'bun')).toThrow(ConfigError)
    expect(() => parseConfig(env, [], 'bun')).toThrow(message)
  })

  test('unknown flags and flags without a value are errors', () => {
    expect(() => parseConfig({}, ['--test-durtion', '5'], 'bun')).toThrow(/unknown option "--test-durtion"/)
    expect(() => parseConfig({}, ['--test-duration'], 'bun')).toThrow(/needs a value/)
  })
})
