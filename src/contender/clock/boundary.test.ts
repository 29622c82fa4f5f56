import { expect, test } from 'bun:test'
import { nextBoundary, parseStartLine } from './boundary.ts'

test('the next boundary is the next multiple of 10 s, strictly after now', () => {
  expect(nextBoundary(1_764_000_000_000)).toBe(1_764_000_010_000)
  expect(nextBoundary(1_764_000_000_001)).toBe(1_764_000_010_000)
  expect(nextBoundary(1_764_000_009_999)).toBe(1_764_000_010_000)
})

test('START lines carry an epoch in ms; anything else is not a start', () => {
  expect(parseStartLine('START 1764000010000')).toBe(1_764_000_010_000)
  expect(parseStartLine('START 1764000010000\r')).toBe(1_764_000_010_000)
  expect(parseStartLine('START soon')).toBeUndefined()
  expect(parseStartLine('GO 1764000010000')).toBeUndefined()
})
