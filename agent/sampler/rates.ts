/**
 * Rate math over cumulative kernel counters, per device so that one device
 * appearing, vanishing or resetting does not distort the others.
 */

/** How far a cumulative counter moved; a counter that went back (wrapped or reset) counts 0 for that interval. */
export function counterDelta(prev: number, cur: number): number {
  return cur >= prev ? cur - prev : 0;
}

/**
 * Per-second rates of the named counters, summed over devices present in
 * both readings. A device new in `cur` has no baseline yet and adds 0.
 */
export function summedRates<K extends string>(
  prev: ReadonlyMap<string, Readonly<Record<K, number>>>,
  cur: ReadonlyMap<string, Readonly<Record<K, number>>>,
  keys: readonly K[],
  seconds: number,
): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const key of keys) out[key] = 0;
  if (!(seconds > 0)) return out;
  for (const [device, now] of cur) {
    const before = prev.get(device);
    if (!before) continue;
    for (const key of keys) out[key] += counterDelta(before[key], now[key]);
  }
  for (const key of keys) out[key] /= seconds;
  return out;
}
