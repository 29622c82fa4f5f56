/**
 * The parser against the contract's ENV table, row by row: a change to the table (a bound, a
 * default, a value) changes what these tests expect, and the parser must follow.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ENV, flagName } from '../contract/env.ts'
import { PATHS } from '../paths.ts'
import { ConfigError, FIELD_OF, parseConfig, type Config } from './config.ts'

const tmp = mkdtempSync(join(tmpdir(), 'ukb-config-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
/** every case writes its REPORT_DIR check here, not into the working directory */
const base = { REPORT_DIR: join(tmp, 'reports') }
const parse = (env: Record<string, string>, argv: string[] = []) => parseConfig({ ...base, ...env }, argv, 'bun')
const field = (name: string) => FIELD_OF[name] as keyof Config
const line = (name: string, value: string, reason: string) =>
  `${name} (${flagName(name)}) = ${JSON.stringify(value)}: ${reason}`

function rejection(env: Record<string, string>): string {
  try {
    parse(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error(`${JSON.stringify(env)} was accepted`)
}

describe('every row of the ENV table', () => {
  test('has a Config field, and the parsed Config has no field without a row', () => {
    expect(Object.keys(FIELD_OF).sort()).toEqual(ENV.map((r) => r.name).sort())
    expect(Object.keys(parse({})).sort()).toEqual(Object.values(FIELD_OF).sort())
  })

  test.each(ENV.filter((r) => r.default !== undefined && r.type !== 'dir').map((r) => [r.name, r]))(
    '%s: its default applies',
    (name, row) => {
      const value = parse({})[field(name)]
      expect(value).toEqual(
        row.type === 'int'
          ? Number(row.default)
          : name === 'UPBIT_REST_URL'
            ? row.default!.replace(/\/+$/, '')
            : row.default!,
      )
    },
  )

  const ints = ENV.filter((r) => r.type === 'int').map((r) => [r.name, r.min!, r.max!] as const)

  test.each(ints)('%s: its bounds %d and %d are accepted', (name, min, max) => {
    expect(parse({ [name]: String(min) })[field(name)]).toBe(min)
    expect(parse({ [name]: String(max) })[field(name)]).toBe(max)
  })

  test.each(ints)('%s: one below %d and one above %d are "must be between"', (name, min, max) => {
    expect(rejection({ [name]: String(min - 1) })).toBe(
      line(name, String(min - 1), `must be between ${min} and ${max}`),
    )
    expect(rejection({ [name]: String(max + 1) })).toBe(
      line(name, String(max + 1), `must be between ${min} and ${max}`),
    )
  })

  test.each(ints)('%s: anything but plain decimal digits is "must be an integer"', (name) => {
    for (const value of ['0x10', '1_0', '1e3', '1.5', ' 5', '5 ', '+5', 'abc', '1e-9']) {
      expect(rejection({ [name]: value })).toBe(line(name, value, 'must be an integer'))
    }
  })

  test.each(ENV.filter((r) => r.type === 'enum').map((r) => [r.name, r.values!] as const))(
    '%s: each of its values is accepted, anything else named',
    (name, values) => {
      for (const value of values) expect(parse({ [name]: value })[field(name)]).toBe(value)
      expect(rejection({ [name]: 'nope' })).toBe(line(name, 'nope', `must be one of ${values.join(', ')}`))
    },
  )
})

describe('values that used to pass', () => {
  test.each([
    // timers overflow past 2^31 - 1 ms and fire at once
    ['PING_INTERVAL_MS', '3e9', 'must be an integer'],
    ['PING_INTERVAL_MS', '3000000000', 'must be between 1000 and 110000'],
    ['STARTUP_TIMEOUT_MS', '99999999999', 'must be between 100 and 600000'],
    ['TEST_DURATION', '1.5', 'must be an integer'],
    ['KAFKA_BOOTSTRAP_SERVERS', '127.0.0.1:99999', 'must be host:port[,host:port...] with every port 1-65535'],
    ['KAFKA_BOOTSTRAP_SERVERS', 'a:9092,b:0', 'must be host:port[,host:port...] with every port 1-65535'],
    ['KAFKA_BOOTSTRAP_SERVERS', 'localhost', 'must be host:port[,host:port...] with every port 1-65535'],
    ['KAFKA_BOOTSTRAP_SERVERS', 'a:9092,', 'must be host:port[,host:port...] with every port 1-65535'],
  ])('%s = %p is refused: %s', (name, value, reason) => {
    expect(rejection({ [name]: value })).toBe(line(name, value, reason))
  })

  test('a list of brokers, IPv6 included, is accepted', () => {
    expect(parse({ KAFKA_BOOTSTRAP_SERVERS: 'k1:9092,10.0.0.2:19092,[::1]:9093' }).kafkaBootstrapServers).toBe(
      'k1:9092,10.0.0.2:19092,[::1]:9093',
    )
  })

  test('properties: items trimmed, empty ones skipped; base URLs lose their trailing slashes', () => {
    expect(parse({ KAFKA_PROPERTIES: ' linger.ms=5 ,, acks=1' }).kafkaProperties).toBe(' linger.ms=5 ,, acks=1')
    expect(parse({ UPBIT_REST_URL: 'http://h:1//', UPBIT_WS_URL: 'ws://h:1/websocket/v1/' })).toMatchObject({
      upbitRestUrl: 'http://h:1',
      upbitWsUrl: 'ws://h:1/websocket/v1',
    })
  })

  test.each([
    ['UPBIT_WS_URL', 'http://x', 'must be a ws(s) URL'],
    ['UPBIT_REST_URL', 'not a url', 'must be an http(s) URL'],
    ['KAFKA_TOPIC', 'a topic', 'must be a legal Kafka topic name ([A-Za-z0-9._-], 1 to 249 characters, not . or ..)'],
    ['KAFKA_PROPERTIES', 'linger.ms', '"linger.ms" is not key=value'],
    ['KAFKA_PROPERTIES', 'acks=1, =5', '"=5" is not key=value'],
    ['UPBIT_WS_URL', 'ws://', 'must be a ws(s) URL'],
  ])('%s = %p is refused: %s', (name, value, reason) => {
    expect(rejection({ [name]: value })).toBe(line(name, value, reason))
  })
})

describe('files and directories', () => {
  test('the settings file defaults to config/producer-settings.json at the repository root', () => {
    expect(parse({}).producerSettingsFile).toBe(PATHS.producerSettings)
  })

  test('a settings file that is missing or a directory is refused', () => {
    expect(rejection({ PRODUCER_SETTINGS: join(tmp, 'none.json') })).toMatch(
      /^PRODUCER_SETTINGS \(--producer-settings\) = ".*none\.json": cannot be read \(ENOENT\)$/,
    )
    expect(rejection({ PRODUCER_SETTINGS: tmp })).toBe(line('PRODUCER_SETTINGS', tmp, 'must be a file'))
  })

  test('REPORT_DIR is created when missing and defaults to reports/ in the working directory', () => {
    const nested = join(tmp, 'a', 'b')
    expect(parse({ REPORT_DIR: nested }).reportDir).toBe(nested)
    expect(existsSync(nested)).toBe(true)
    const cwd = process.cwd()
    process.chdir(tmp)
    try {
      expect(parseConfig({}, [], 'bun').reportDir).toBe('reports')
      expect(existsSync(join(tmp, 'reports'))).toBe(true)
    } finally {
      process.chdir(cwd)
    }
  })

  test('a REPORT_DIR that cannot be written is refused, naming it', () => {
    const file = join(tmp, 'plain-file')
    writeFileSync(file, '')
    expect(rejection({ REPORT_DIR: join(file, 'reports') })).toBe(
      line('REPORT_DIR', join(file, 'reports'), 'cannot be created (ENOTDIR)'),
    )
    // a directory that exists but takes no files, even for root: the probe write proves it
    expect(rejection({ REPORT_DIR: '/proc/self' })).toMatch(
      /^REPORT_DIR \(--report-dir\) = "\/proc\/self": is not writable \(E[A-Z]+\)$/,
    )
  })
})

describe('environment and flags', () => {
  test('flags override the environment; the topic and contender follow the runtime', () => {
    const c = parseConfig({ ...base, TEST_DURATION: '5' }, ['--test-duration', '7', '--kafka-topic=t1'], 'node')
    expect(c).toMatchObject({ testDurationS: 7, topic: 't1', contender: 'node' })
    expect(parseConfig(base, [], 'node').topic).toBe('upbit-ticker-node')
    expect(parseConfig({ ...base, CONTENDER: 'go' }, [], 'node').topic).toBe('upbit-ticker-go')
  })

  test('an empty environment variable counts as unset', () => {
    expect(parse({ TEST_DURATION: '' }).testDurationS).toBe(60)
  })

  test('unknown flags and flags without a value are errors', () => {
    expect(() => parse({}, ['--test-durtion', '5'])).toThrow(/unknown option "--test-durtion"/)
    expect(() => parse({}, ['--test-duration'])).toThrow(/needs a value/)
  })
})
