import { expect, test } from 'bun:test'
import { RetryBudget } from './retry-budget.ts'

test('a connection that drops right after every open gives up after RECONNECT_MAX_RETRIES', () => {
  const budget = new RetryBudget(3, 10_000)
  expect([5, 5, 5, 5].map((openFor) => budget.drop(openFor))).toEqual([
    { flap: true, attempt: 1 },
    { flap: true, attempt: 2 },
    { flap: true, attempt: 3 },
    { flap: true },
  ])
})

test('a drop after RECONNECT_STABLE_MS open restores the whole budget', () => {
  const budget = new RetryBudget(2, 1000)
  expect(budget.drop(10)).toEqual({ flap: true, attempt: 1 })
  expect(budget.drop(10)).toEqual({ flap: true, attempt: 2 })
  expect(budget.drop(1000)).toEqual({ flap: false, attempt: 1 })
})

test('attempts that never open use the budget without being flaps', () => {
  const budget = new RetryBudget(2, 1000)
  expect([undefined, undefined, undefined].map((openFor) => budget.drop(openFor))).toEqual([
    { flap: false, attempt: 1 },
    { flap: false, attempt: 2 },
    { flap: false },
  ])
})

test('RECONNECT_STABLE_MS = 0: every drop of an open connection restores the budget', () => {
  const budget = new RetryBudget(1, 0)
  expect([0, 0, 0].map((openFor) => budget.drop(openFor))).toEqual([
    { flap: false, attempt: 1 },
    { flap: false, attempt: 1 },
    { flap: false, attempt: 1 },
  ])
})

test('RECONNECT_MAX_RETRIES = 0: the first drop gives up', () => {
  expect(new RetryBudget(0, 1000).drop(5000)).toEqual({ flap: false })
})
