/** Machine samples kept in the webview: appended live, trimmed to the range, averaged down when too many. */
import type { Sample } from '../../agent/api/types';

type NumericKey = { [K in keyof Sample]-?: Sample[K] extends number ? K : never }[keyof Sample];

const NUMERIC_KEYS: readonly NumericKey[] = [
  'ts', 'cpu', 'memUsed', 'memAvailable', 'memTotal', 'swapUsed', 'swapTotal', 'load1', 'load5', 'load15',
  'processes', 'threads', 'diskReadBytes', 'diskWriteBytes', 'diskReadOps', 'diskWriteOps',
  'netRxBytes', 'netTxBytes', 'netRxErrors', 'netTxErrors',
];

/**
 * Averages samples into at most `maxPoints` equal time slices, the same way
 * the agent reduces `/samples`, so live points and fetched points look alike.
 * Per-core figures are dropped; `ts` is the first sample's of each slice.
 */
export function downsample(samples: readonly Sample[], maxPoints: number): Sample[] {
  if (samples.length <= maxPoints || samples.length === 0) return samples.slice();
  const first = samples[0].ts;
  const span = samples[samples.length - 1].ts - first;
  const width = Math.max(1, Math.ceil((span + 1) / maxPoints));
  const out: Sample[] = [];
  let group: Sample[] = [];
  let slot = 0;
  const close = () => {
    if (group.length === 0) return;
    const avg = { ...group[0], cores: [] } as Sample;
    for (const key of NUMERIC_KEYS) {
      if (key === 'ts') continue;
      let sum = 0;
      for (const s of group) sum += s[key];
      avg[key] = sum / group.length;
    }
    out.push(avg);
    group = [];
  };
  for (const s of samples) {
    const i = Math.floor((s.ts - first) / width);
    if (i !== slot) {
      close();
      slot = i;
    }
    group.push(s);
  }
  close();
  return out;
}
