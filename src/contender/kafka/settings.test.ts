import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PATHS } from '../../paths.ts'
import { ConfigError } from '../config.ts'
import { loadProducerSettings, parseOverrides, readSettingsFile } from './settings.ts'

const tmp = mkdtempSync(join(tmpdir(), 'ukb-settings-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
let n = 0
function fileWith(text: string): string {
  const path = join(tmp, `settings-${n++}.json`)
  writeFileSync(path, text)
  return path
}

describe('the producer settings file', () => {
  test('config/producer-settings.json is read as is, comments ($ keys) left out', () => {
    const raw = JSON.parse(readFileSync(PATHS.producerSettings, 'utf8')) as Record<string, string>
    const expected = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('$')))
    expect(readSettingsFile()).toEqual(expected)
    expect(Object.keys(expected).length).toBeGreaterThan(0)
  })

  test.each([
    ['null', /must hold one JSON object of strings, not null$/],
    ['[]', /must hold one JSON object of strings, not an array$/],
    ['5', /must hold one JSON object of strings, not a number$/],
    ['"acks"', /must hold one JSON object of strings, not a string$/],
    ['{"acks":"all"} trailing', /must hold one JSON object of strings and nothing after it/],
    ['{"acks":"all"}{"linger.ms":"5"}', /must hold one JSON object of strings and nothing after it/],
    ['{"linger.ms":5}', /"linger\.ms" must be a string, not 5$/],
    ['{"acks":null}', /"acks" must be a string, not null$/],
    ['{"$comment":["a"]}', /"\$comment" must be a string, not \["a"\]$/],
  ])('%s is refused, naming PRODUCER_SETTINGS and the file', (text, reason) => {
    const path = fileWith(text)
    let error: unknown
    try {
      readSettingsFile(path)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(
      (error as Error).message.startsWith(`PRODUCER_SETTINGS (--producer-settings) = ${JSON.stringify(path)}: `),
    ).toBe(true)
    expect((error as Error).message).toMatch(reason)
  })

  test('an object with trailing whitespace and an empty object are fine', () => {
    expect(readSettingsFile(fileWith('{"acks":"1"}\n\n'))).toEqual({ acks: '1' })
    expect(readSettingsFile(fileWith('{}'))).toEqual({})
  })
})

describe('KAFKA_PROPERTIES', () => {
  test('overrides are applied on top of the file', () => {
    expect(parseOverrides('linger.ms=5, acks=1')).toEqual({ 'linger.ms': '5', acks: '1' })
    expect(loadProducerSettings({ kafkaProperties: 'linger.ms=5' })['linger.ms']).toBe('5')
    expect(loadProducerSettings({ kafkaProperties: '' })).toEqual(readSettingsFile())
  })

  test('a malformed pair names itself', () => {
    expect(() => parseOverrides('linger.ms')).toThrow(
      /^KAFKA_PROPERTIES \(--kafka-properties\) = "linger\.ms": "linger\.ms" is not key=value$/,
    )
  })
})
