import { describe, expect, test } from 'bun:test'
import {
  isSecretProperty,
  notKeyValueReason,
  redactPropertiesText,
  redactSettings,
  redactUrl,
  Scrubber,
} from './redact.ts'

describe('the redaction rule', () => {
  test("librdkafka's sensitive properties and names holding a secret word are secret", () => {
    for (const name of [
      'sasl.password',
      'ssl.key.password',
      'ssl_key',
      'SASL.USERNAME',
      'x.my.token',
      'sasl.jaas.config',
    ])
      expect([name, isSecretProperty(name)]).toEqual([name, true])
    for (const name of ['linger.ms', 'acks', 'security.protocol', 'ssl.certificate.location'])
      expect([name, isSecretProperty(name)]).toEqual([name, false])
  })

  test('values, k=v texts and URLs as they may be shown', () => {
    expect(redactSettings({ 'sasl.password': 'p', acks: 'all' })).toEqual({
      'sasl.password': '[redacted]',
      acks: 'all',
    })
    expect(redactPropertiesText('acks=1,sasl.password=a,b,linger.ms=5')).toBe(
      'acks=1,sasl.password=[redacted],[redacted],linger.ms=5',
    )
    expect(notKeyValueReason('oops,sasl.password=a', 0)).toBe('"oops" is not key=value')
    expect(notKeyValueReason('sasl.password=a,b', 1)).toMatch(/^item 2 is not key=value/)
    expect(redactUrl('http://u:p@h:1/x@y')).toBe('http://[redacted]@h:1/x@y')
    expect(redactUrl('ws://u:p@w@h/v1')).toBe('ws://[redacted]@h/v1')
    expect(redactUrl('u:p@h')).toBe('[redacted]@h')
    expect(redactUrl('https://api.upbit.com')).toBe('https://api.upbit.com')
  })

  test('the scrubber hides secret values and URL user info in foreign text', () => {
    const s = new Scrubber({ 'sasl.password': 'pw1', acks: 'all' }, ['http://usr:p%40ss@h'])
    expect(s.scrub('fetch http://usr:p%40ss@h failed; pw1; p@ss; all')).toBe(
      'fetch http://[redacted]@h failed; [redacted]; [redacted]; all',
    )
  })
})
