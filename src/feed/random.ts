/**
 * @module feed/random
 * A tiny seeded PRNG (mulberry32): the feed's whole message sequence derives from one seed, so two
 * runs with the same seed send the same data. Math.random cannot be seeded.
 */
export type Rng = () => number

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Derives an independent stream for a sub-purpose, so adding one draw elsewhere does not shift all others. */
export function derive(seed: number, salt: string): Rng {
  let h = seed >>> 0
  for (let i = 0; i < salt.length; i++) h = Math.imul(h ^ salt.charCodeAt(i), 0x9e3779b1) >>> 0
  return mulberry32(h)
}
