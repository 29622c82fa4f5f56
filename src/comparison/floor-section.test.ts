import { describe, expect, test } from 'bun:test'
import { reportsByContender } from './compare.ts'
import { makeReport } from './fixture.ts'
import { floorSection } from './floor-section.ts'
import type { FloorRow } from './input.ts'

const FLOOR: FloorRow = {
  ratePerSec: 2000,
  cpuUsPerMessage: 50,
  ackP50Us: 1000,
  ackP99Us: 3000,
  dueToAckP99Us: 4000,
  delivered: 120_000,
  behind: false,
}

describe('against librdkafka alone', () => {
  const byContender = reportsByContender([
    [
      makeReport('bun', 1, (r) => (r.memory.rssBytes.max = 90e6)),
      makeReport('go', 1, (r) => (r.memory.rssBytes.max = 45e6)),
    ],
  ])

  test('with the C producer’s peak RSS, each contender’s RSS max reads as a multiple of it', () => {
    const out = floorSection({ ...FLOOR, rssMaxBytes: 30e6 }, byContender)
    expect(out).toContain('peak RSS 30.0 MB')
    expect(out).toContain('| RSS max | ×floor (peak RSS) |')
    expect(out).toMatch(/\| bun \|.*\| 90\.0 MB \| ×3\.00 \|/)
    expect(out).toMatch(/\| go \|.*\| 45\.0 MB \| ×1\.50 \|/)
  })

  test('an input saved before the floor’s RSS was recorded has no RSS columns', () => {
    const out = floorSection(FLOOR, byContender)
    expect(out).not.toContain('RSS')
    expect(out).toContain('| contender | CPU per message | ×floor | pipeline p99 | ×floor (due → ack p99) |')
  })
})
