import { expect, test } from 'bun:test'
import { sleepUntil } from './start-signal.ts'

test('sleeping until far in the future neither returns early nor spins, and can be cancelled', async () => {
  let cancel!: () => void
  const cancelled = new Promise<void>((resolve) => (cancel = resolve))
  let woke = false
  const cpu0 = process.cpuUsage()
  const sleeping = sleepUntil(9_999_999_999_999, cancelled).then(() => (woke = true))
  await new Promise((r) => setTimeout(r, 300))
  const cpu = process.cpuUsage(cpu0)
  expect(woke).toBe(false)
  // a spinning wait would burn the whole 300 ms
  expect((cpu.user + cpu.system) / 1000).toBeLessThan(150)
  cancel()
  await sleeping
  expect(woke).toBe(true)
})

test('sleeping until a near instant wakes at or after it', async () => {
  const at = Date.now() + 30
  await sleepUntil(at)
  expect(Date.now()).toBeGreaterThanOrEqual(at)
})
