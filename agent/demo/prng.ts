/**
 * A seeded random source for the demo generator. mulberry32 rather than
 * `Math.random` (which cannot be seeded, so tests and benchmarks could not
 * ask for the same data twice) or `crypto` (slow, and unpredictability is
 * not wanted here): one 32-bit state, a few integer operations per number,
 * and well spread enough for made-up runs.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** In [min, max], more often near the middle: durations cluster rather than spread evenly. */
  around(min: number, max: number): number {
    return min + ((this.next() + this.next() + this.next()) / 3) * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [item, w] of entries) {
      r -= w;
      if (r < 0) return item;
    }
    return entries[entries.length - 1][0];
  }

  /** `count` distinct items, in their original order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, items.length)) chosen.add(Math.floor(this.next() * items.length));
    return [...chosen].sort((a, b) => a - b).map((i) => items[i]);
  }

  /** Waiting time of a Poisson process with this mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A version 4 UUID made of this source's numbers, so runs repeat with the seed. */
  uuid(): string {
    const hex = (n: number) => Math.floor(n * 0x10000).toString(16).padStart(4, '0');
    const h = Array.from({ length: 8 }, () => hex(this.next()));
    const variant = ((parseInt(h[4], 16) & 0x3fff) | 0x8000).toString(16);
    return `${h[0]}${h[1]}-${h[2]}-4${h[3].slice(1)}-${variant}-${h[5]}${h[6]}${h[7]}`;
  }
}
