/**
 * @module feed/sent-set
 * Remembers which frames were sent as 53-bit hashes in an open-addressing table on a Float64Array:
 * 100,000 msg/s for minutes is tens of millions of entries, past what a JS Set holds comfortably
 * (and at a fraction of its memory: 8 bytes a slot).
 */
const EMPTY = -1
const MASK_53 = (1n << 53n) - 1n

export class SentSet {
  private table = new Float64Array(1 << 16).fill(EMPTY)
  private mask = (1 << 16) - 1
  size = 0

  static hash(bytes: Uint8Array): number {
    return Number((Bun.hash(bytes) as bigint) & MASK_53)
  }

  add(h: number): void {
    if (this.size * 2 >= this.table.length) this.grow()
    if (this.insert(this.table, this.mask, h)) this.size++
  }

  has(h: number): boolean {
    const table = this.table
    for (let i = this.slot(h, this.mask); ; i = (i + 1) & this.mask) {
      const v = table[i]!
      if (v === h) return true
      if (v === EMPTY) return false
    }
  }

  clear(): void {
    this.table = new Float64Array(1 << 16).fill(EMPTY)
    this.mask = (1 << 16) - 1
    this.size = 0
  }

  private slot(h: number, mask: number): number {
    // the low 32 bits of a good hash are already uniform; >>> 0 takes them (ToUint32) without a floating-point %
    return (h >>> 0) & mask
  }

  private insert(table: Float64Array, mask: number, h: number): boolean {
    for (let i = this.slot(h, mask); ; i = (i + 1) & mask) {
      const v = table[i]!
      if (v === h) return false
      if (v === EMPTY) {
        table[i] = h
        return true
      }
    }
  }

  private grow(): void {
    const next = new Float64Array(this.table.length * 2).fill(EMPTY)
    const mask = next.length - 1
    for (const v of this.table) if (v !== EMPTY) this.insert(next, mask, v)
    this.table = next
    this.mask = mask
  }
}
