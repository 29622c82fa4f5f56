import { describe, expect, test } from 'bun:test'
import { busyFraction, parseProcStat, startMachineSample } from './machine-cpu.ts'

describe('machine CPU from /proc/stat', () => {
  test('the aggregate line: idle and iowait are idle, the rest busy', () => {
    const t = parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n')
    expect(t).toEqual({ total: 1000, idle: 850 })
    expect(busyFraction(t!, { total: 2000, idle: 1150 })).toBeCloseTo(0.7, 6)
    expect(busyFraction(t!, t!)).toBe(0)
    expect(parseProcStat('intr 1 2 3\n')).toBeUndefined()
  })

  test('a real sample over a busy loop reads some busy share, never above one', () => {
    const sample = startMachineSample()
    const until = performance.now() + 200
    while (performance.now() < until) Math.sqrt(Math.random())
    const busy = sample.stop()
    if (process.platform !== 'linux') return expect(busy).toBeUndefined()
    // one of the machine's cores was spinning the whole time
    expect(busy!).toBeGreaterThan(0)
    expect(busy!).toBeLessThanOrEqual(1)
  })
})
