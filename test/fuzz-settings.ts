/**
 * How hard the fuzz tests try. `npm test` runs each property a fixed number
 * of times from a fixed seed, so CI sees the same cases every run;
 * `npm run test:fuzz -- --runs 100000 [--seed S]` sets GENMON_FUZZ_RUNS and
 * GENMON_FUZZ_SEED for a long run. fast-check prints the seed and the path
 * of any failure, which replay it.
 */
export const FUZZ_SEED = Number(process.env.GENMON_FUZZ_SEED ?? 20261125);

/** `numRuns` and `seed` for `fc.assert`: the CI default unless a long run was asked for. */
export function fuzzRuns(ciRuns: number): { numRuns: number; seed: number } {
  const asked = Number(process.env.GENMON_FUZZ_RUNS);
  return { numRuns: Number.isInteger(asked) && asked > 0 ? asked : ciRuns, seed: FUZZ_SEED };
}
