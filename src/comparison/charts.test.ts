import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { colorOf } from './chart-style.ts'
import { renderCharts } from './charts.ts'
import type { ComparisonInput, LadderResult } from './input.ts'
import { comparisonInput, makeReport } from './fixture.ts'

/** the four contenders these fixtures have profiles for */
const FOUR = ['bun', 'node', 'go', 'python'] as const

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function input(ladder?: LadderResult): ComparisonInput {
  return comparisonInput(
    [1, 2, 3].map((r) => FOUR.map((c) => makeReport(c, r))),
    { ladder },
  )
}

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  return { width: view.getUint32(16), height: view.getUint32(20) } // IHDR
}

describe('renderCharts', () => {
  test('writes a PNG of about 1600 px and an SVG with every panel, contender and colour', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charts-'))
    const out = await renderCharts(input(), dir)
    expect(out).toEqual({ png: join(dir, 'performance_comparison.png'), svg: join(dir, 'performance_comparison.svg') })
    const png = readFileSync(out.png)
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC)
    expect(png.length).toBeGreaterThan(10_000)
    expect(pngSize(png).width).toBe(1600)
    expect(pngSize(png).height).toBeGreaterThan(700)
    const svg = readFileSync(out.svg, 'utf8')
    expect(svg.startsWith('<svg')).toBe(true)
    for (const title of [
      'Delivered throughput over time (msg/s)',
      'Latency, exchange → Kafka ack (ms)',
      'Resident memory (RSS) over time (MB)',
      'CPU time per delivered message (µs)',
    ]) {
      expect(svg).toContain(title)
    }
    for (const c of FOUR) {
      expect(svg).toContain(`>${c}</text>`)
      expect(svg.toLowerCase()).toContain(colorOf(c).toLowerCase())
    }
    expect(svg).toContain('font-family="DejaVu Sans"')
    expect(existsSync(join(dir, 'ladder.png'))).toBe(false)
  })

  test('renders the same bytes twice (no system fonts, no clock)', async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'charts-')), mkdtempSync(join(tmpdir(), 'charts-'))]
    await renderCharts(input(), a)
    await renderCharts(input(), b)
    expect(
      readFileSync(join(a, 'performance_comparison.png')).equals(readFileSync(join(b, 'performance_comparison.png'))),
    ).toBe(true)
  })

  test('writes the ladder chart when the input has a ladder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'charts-'))
    const steps = FOUR.flatMap((contender, k) =>
      [1000, 10_000, 100_000].map((offered) => {
        const delivered = Math.min(offered, [40_000, 30_000, 80_000][k]!)
        return {
          contender,
          offeredPerSec: offered,
          deliveredPerSec: delivered,
          deliveredFraction: delivered / offered,
          processingP99Us: 40,
          ackP99Us: 4000,
          pipelineP50Us: 2000,
          pipelineP99Us: delivered < offered ? 400_000 : 6000,
          pipelineP999Us: 9000,
          rssMaxBytes: 5e7,
          cpuUsPerMessage: 25,
        }
      }),
    )
    await renderCharts(
      input({
        boundP99Us: 100_000,
        steps,
        saturation: { bun: 100_000, node: 100_000, go: 100_000 },
        limits: [{ name: 'C producer', messagesPerSec: 150_000, note: '' }],
        floor: [
          {
            ratePerSec: 2000,
            cpuUsPerMessage: 35,
            ackP50Us: 6000,
            ackP99Us: 11_000,
            dueToAckP99Us: 11_500,
            delivered: 60_000,
            behind: false,
          },
          {
            ratePerSec: 80_000,
            cpuUsPerMessage: 8,
            ackP50Us: 1000,
            ackP99Us: 15_000,
            dueToAckP99Us: 16_000,
            delivered: 1_600_000,
            behind: false,
          },
        ],
      }),
      dir,
    )
    const png = readFileSync(join(dir, 'ladder.png'))
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC)
    expect(statSync(join(dir, 'ladder.png')).size).toBeGreaterThan(10_000)
    const svg = readFileSync(join(dir, 'ladder.svg'), 'utf8')
    expect(svg).toContain('C producer: 150,000 msg/s')
    expect(svg).toContain('Pipeline p99 vs delivered rate (ms)')
    expect(svg).toContain('dashed black: librdkafka alone (the paced C producer), the floor')
  })
})
