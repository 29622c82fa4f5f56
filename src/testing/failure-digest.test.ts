import { describe, expect, test } from 'bun:test'
import { FailureDigest } from './failure-digest.ts'

describe('FailureDigest', () => {
  test('keeps each failed test with the lines before it, across chunk splits and colour codes', () => {
    const digest = new FailureDigest()
    digest.push('(pass) a\nerror: expect(received).toBe(expected)\n  Expected: 2\n')
    digest.push('  Received: 3\n\x1b[31m(fail)\x1b[0m b > adds [1.00ms]\n(pass) c\n(fa')
    digest.push('il) d\n')
    digest.end()
    expect(digest.failures).toEqual([
      [
        '(pass) a',
        'error: expect(received).toBe(expected)',
        '  Expected: 2',
        '  Received: 3',
        '(fail) b > adds [1.00ms]',
      ],
      ['(pass) c', '(fail) d'],
    ])
    expect(digest.render('unit (bun)')).toContain('   | (fail) b > adds [1.00ms]')
    expect([...digest.failedFiles]).toEqual([])
  })

  test('names the files the failed tests are in, from the header bun prints before each file', () => {
    const digest = new FailureDigest()
    digest.push('src/a.test.ts:\n(pass) x\n\nsrc/feed/b.test.ts:\n(fail) y\n(fail) z\nsrc/c.test.ts:\n(pass) w\n')
    expect([...digest.failedFiles]).toEqual(['src/feed/b.test.ts'])
  })

  test('the summary bun prints after the last file repeats failures: neither new ones nor that file’s', () => {
    const digest = new FailureDigest()
    digest.push('src/a.test.ts:\nerror: boom\n(fail) x\n\nsrc/z.test.ts:\n(pass) y\n\n1 tests failed:\n(fail) x\n')
    expect([...digest.failedFiles]).toEqual(['src/a.test.ts'])
    expect(digest.failures).toHaveLength(1)
  })

  test('no failure renders nothing; the context is bounded', () => {
    const digest = new FailureDigest()
    for (let i = 0; i < 100; i++) digest.push(`line ${i}\n`)
    expect(digest.render('x')).toBe('')
    digest.push('(fail) late\n')
    expect(digest.failures[0]!.length).toBe(21)
    expect(digest.failures[0]![0]).toBe('line 80')
  })
})
