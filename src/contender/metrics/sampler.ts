/**
 * @module metrics/sampler
 * Memory sampled every second (RSS of the process, and the runtime's heap in use), and CPU
 * (user + system) read at the window's edges. Works the same on Bun and Node.
 */
import type { GaugeSummary } from '../../contract/report.ts'

export class Gauge {
  private samples = 0
  private sum = 0
  private min = Number.POSITIVE_INFINITY
  private max = 0

  add(value: number): void {
    this.samples++
    this.sum += value
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
  }

  summary(): GaugeSummary {
    if (this.samples === 0) return { samples: 0, avg: 0, min: 0, max: 0 }
    return { samples: this.samples, avg: Math.round(this.sum / this.samples), min: this.min, max: this.max }
  }
}

export interface MemoryReading {
  rssBytes: number
  heapBytes: number
}

export function readMemory(): MemoryReading {
  const usage = process.memoryUsage()
  return { rssBytes: usage.rss, heapBytes: usage.heapUsed }
}

export class MemorySampler {
  readonly rss = new Gauge()
  readonly heap = new Gauge()
  last: MemoryReading = readMemory()
  private timer?: ReturnType<typeof setInterval>

  start(periodMs = 1000): void {
    this.sample()
    this.timer = setInterval(() => this.sample(), periodMs)
  }

  sample(): MemoryReading {
    this.last = readMemory()
    this.rss.add(this.last.rssBytes)
    this.heap.add(this.last.heapBytes)
    return this.last
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }
}
