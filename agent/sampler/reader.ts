import type { MountUsage, Sample } from '../api/types';

/** One platform's way of measuring the machine. */
export interface MachineReader {
  /** The sample for now; rates cover the time since the previous call, and are 0 on the first. */
  read(ts: number): Sample | Promise<Sample>;
  readMounts(ts: number): Promise<MountUsage[]>;
  /** Releases what the reader holds open. */
  close(): void;
}
