/**
 * Which rollup tier answers which part of a range. The coarsest buckets that
 * fit whole inside the range do the bulk; finer ones fill its ragged edges:
 * a 90-day range is 89 one-day rows per series plus at most 23 hours and 59
 * minutes at each end, however far back it reaches.
 */
import { TIERS, type Tier } from './rollup';

export interface Segment {
  tier: Tier;
  from: number;
  /** Exclusive. */
  to: number;
}

const floorTo = (t: number, ms: number) => t - (((t % ms) + ms) % ms);
const ceilTo = (t: number, ms: number) => floorTo(t + ms - 1, ms);

/**
 * Covers [from, to) with tier buckets no coarser than `maxTierMs`. A finer
 * tier that no longer keeps the time of an edge (`oldest`) leaves that edge
 * to the coarser bucket around it: old ranges are answered at the resolution
 * still kept, as round-robin archives do.
 */
export function planSegments(from: number, to: number, maxTierMs: number, oldest: (tier: Tier) => number = () => -Infinity): Segment[] {
  const tiers = TIERS.filter((t) => t.ms <= maxTierMs).reverse();
  const out: Segment[] = [];
  const push = (tier: Tier, a: number, b: number) => {
    if (a < b) out.push({ tier, from: a, to: b });
  };
  const finer = (a: number, b: number, k: number): void => {
    if (a >= b) return;
    const next = tiers[k + 1];
    if (next && oldest(next.tier) <= a) cover(a, b, k + 1);
    else push(tiers[k].tier, floorTo(a, tiers[k].ms), ceilTo(b, tiers[k].ms));
  };
  const cover = (a: number, b: number, k: number): void => {
    const { tier, ms } = tiers[k];
    if (k === tiers.length - 1) return push(tier, a, b);
    const lo = ceilTo(a, ms);
    const hi = floorTo(b, ms);
    if (lo >= hi) return finer(a, b, k);
    finer(a, lo, k);
    push(tier, lo, hi);
    finer(hi, b, k);
  };
  if (from < to) cover(from, to, 0);
  return mergeAdjacent(out.sort((x, y) => x.from - y.from));
}

function mergeAdjacent(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.tier === s.tier && last.to >= s.from) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** The coarsest tier whose buckets divide `step`, so no bucket straddles two steps. */
export function maxTierForStep(step: number): number {
  let best: number = TIERS[0].ms;
  for (const { ms } of TIERS) if (step % ms === 0) best = ms;
  return best;
}

/** Bucket size the dashboards use for a range when the request names none (about 96 points, on round sizes). */
export function defaultStep(rangeMs: number): number {
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 4 * 3_600_000, 8 * 3_600_000, 86_400_000, 7 * 86_400_000];
  return steps.find((s) => rangeMs / s <= 120) ?? steps[steps.length - 1];
}

export function alignDown(t: number, step: number): number {
  return floorTo(t, step);
}
