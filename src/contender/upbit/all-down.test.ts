import { expect, test } from 'bun:test'
import { AllDownClock } from './all-down.ts'

test('only the part of a stretch inside the window counts', () => {
  const clock = new AllDownClock(0)
  clock.openCount(1, 1000) // down 0..1000, before the window
  clock.openCount(0, 4000)
  clock.openCount(2, 7000) // down 4000..7000, half inside
  clock.openCount(0, 9000)
  clock.openCount(1, 9500)
  expect(clock.longestWithin(5500, 20_000)).toBe(1500)
  expect(clock.longestWithin(0, 20_000)).toBe(3000)
})

test('a stretch still going at the end counts up to the end', () => {
  const clock = new AllDownClock(0)
  clock.openCount(3, 100)
  clock.openCount(2, 200)
  clock.openCount(0, 1000)
  expect(clock.longestWithin(500, 6000)).toBe(5000)
})

test('never opened: the whole window', () => {
  expect(new AllDownClock(0).longestWithin(10_000, 70_000)).toBe(60_000)
})

test('always open: zero', () => {
  const clock = new AllDownClock(0)
  clock.openCount(1, 0)
  expect(clock.longestWithin(10, 20)).toBe(0)
})
