/**
 * @module feed/sink
 * Where frames are written: a reused byte buffer. Measured on the feed's hot path (bun 1.4, see
 * README "Ceiling"): building a frame as one string costs more than everything else together, as
 * JSC flattens a ~1 KB rope into a fresh heap string per frame; writing its pieces one by one
 * avoids that. Constant pieces are kept as bytes (a typed-array copy is cheaper than encoding a
 * string), and numbers are written as digits straight into the buffer, at about half the cost of
 * toFixed plus the copy of its result. Frames are ASCII.
 */
const SIZE = 64 * 1024
const SHORT = 32
/** Two ASCII digits per value 0..99. */
const PAIRS = new Uint8Array(200)
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10)
  PAIRS[2 * i + 1] = 48 + (i % 10)
}

/** A string's bytes, for pieces written many times. */
export function ascii(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'latin1'))
}

export class Sink {
  readonly buf = Buffer.allocUnsafe(SIZE) as Buffer & { latin1Write(text: string, offset: number): number }
  private readonly u8 = new Uint8Array(this.buf.buffer, this.buf.byteOffset, SIZE)
  private readonly views: Buffer[] = []
  pos = 0

  put(bytes: Uint8Array): void {
    const n = bytes.length
    const p = this.pos
    // a short piece is copied faster by JIT-compiled code than by a call into TypedArray.set
    if (n <= SHORT) {
      const u8 = this.u8
      for (let i = 0; i < n; i++) u8[p + i] = bytes[i]!
    } else this.u8.set(bytes, p)
    this.pos = p + n
  }

  putText(text: string): void {
    this.pos += this.buf.latin1Write(text, this.pos)
  }

  /** A non-negative integer below 2^53, e.g. a millisecond timestamp. */
  putUint(v: number): void {
    if (v < 1e8) return this.putSmall(v)
    const hi = Math.floor(v / 1e8)
    this.putSmall(hi)
    this.put8(v - hi * 1e8)
  }

  /** A non-negative value with exactly 8 decimals, like Upbit's volumes; rounding as toFixed(8) except, rarely, in the last digit. */
  putFixed8(x: number): void {
    let whole = Math.floor(x)
    let frac = Math.round((x - whole) * 1e8)
    if (frac >= 1e8) {
      frac -= 1e8
      whole++
    }
    this.putUint(whole)
    this.u8[this.pos++] = 46 // '.'
    this.put8(frac)
  }

  /** The frame written since pos was 0: a view of the reused buffer, valid until the next frame; one view per length is kept. */
  bytes(): Buffer {
    const n = this.pos
    return (this.views[n] ??= this.buf.subarray(0, n))
  }

  text(): string {
    return this.buf.toString('latin1', 0, this.pos)
  }

  /** 0 ≤ v < 1e8, as few digits as it takes. */
  private putSmall(v: number): void {
    const u8 = this.u8
    const digits = v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : 8
    let q = this.pos + digits
    this.pos = q
    while (v >= 100) {
      const r = v % 100
      v = (v - r) / 100
      q -= 2
      u8[q] = PAIRS[2 * r]!
      u8[q + 1] = PAIRS[2 * r + 1]!
    }
    if (v >= 10) {
      u8[q - 2] = PAIRS[2 * v]!
      u8[q - 1] = PAIRS[2 * v + 1]!
    } else u8[q - 1] = 48 + v
  }

  /** 0 ≤ v < 1e8 as exactly 8 digits. */
  private put8(v: number): void {
    const u8 = this.u8
    const p = this.pos
    const a = Math.floor(v / 1e6)
    v -= a * 1e6
    const b = Math.floor(v / 1e4)
    v -= b * 1e4
    const c = Math.floor(v / 100)
    v -= c * 100
    u8[p] = PAIRS[2 * a]!
    u8[p + 1] = PAIRS[2 * a + 1]!
    u8[p + 2] = PAIRS[2 * b]!
    u8[p + 3] = PAIRS[2 * b + 1]!
    u8[p + 4] = PAIRS[2 * c]!
    u8[p + 5] = PAIRS[2 * c + 1]!
    u8[p + 6] = PAIRS[2 * v]!
    u8[p + 7] = PAIRS[2 * v + 1]!
    this.pos = p + 8
  }
}
