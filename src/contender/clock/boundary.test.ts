import { expect, test } from 'bun:test'
import { autoStart, parseStartLine, withinHorizon } from './boundary.ts'

test('auto start: the first 10-s boundary at least WARMUP_SECONDS after ready', () => {
  expect(autoStart(1_764_000_000_001, 10)).toBe(1_764_000_020_000)
  expect(autoStart(1_764_000_000_000, 10)).toBe(1_764_000_010_000)
  expect(autoStart(1_764_000_003_000, 0)).toBe(1_764_000_010_000)
  expect(autoStart(1_764_000_000_000, 0)).toBe(1_764_000_000_000)
})

test('START lines carry an epoch in ms; anything else is not a start', () => {
  expect(parseStartLine('START 1764000010000')).toBe(1_764_000_010_000)
  expect(parseStartLine('START 1764000010000\r')).toBe(1_764_000_010_000)
  expect(parseStartLine('START 5')).toBe(5)
  expect(parseStartLine('START soon')).toBeUndefined()
  expect(parseStartLine('START -5')).toBeUndefined()
  expect(parseStartLine('GO 1764000010000')).toBeUndefined()
})

test('a START is accepted from a minute ago to an hour ahead', () => {
  const now = 1_764_000_000_000
  expect(withinHorizon(now - 60_000, now)).toBe(true)
  expect(withinHorizon(now + 3_600_000, now)).toBe(true)
  expect(withinHorizon(now - 60_001, now)).toBe(false)
  expect(withinHorizon(now + 3_600_001, now)).toBe(false)
  expect(withinHorizon(9_999_999_999_999, now)).toBe(false)
  expect(withinHorizon(5, now)).toBe(false)
})
