/**
 * The price table: what a model's tokens, a compute unit, a gigabyte-month of
 * storage and an API call cost. Read from a JSON file (`prices.json` in the
 * data directory, or `--prices FILE`); missing keys keep their defaults.
 * The agent journals the table it starts with, so replaying the journal
 * prices the same events the same way.
 */
import { readFileSync } from 'node:fs';

export interface ModelPrice {
  /** US dollars per million input tokens. */
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface PriceTable {
  models: Record<string, ModelPrice>;
  /** US dollars per compute unit (one second of phase execution). */
  computePerUnit: number;
  /** US dollars per gigabyte (10^9 bytes) of artifacts kept one month. */
  storagePerGbMonth: number;
  /** US dollars per API call of the generator. */
  apiPerCall: number;
  /** Requests the generator's API serves at once at full load (for the saturation ratio). */
  apiConcurrency: number;
}

/** List prices of the demo's models (2025), US dollars per million tokens. */
export const DEFAULT_PRICES: PriceTable = {
  models: {
    'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
    'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    'claude-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
    'claude-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
    'llama-3-70b': { inputPerMillion: 0.6, outputPerMillion: 0.8 },
  },
  computePerUnit: 0.0001,
  storagePerGbMonth: 0.023,
  apiPerCall: 0.00001,
  apiConcurrency: 16,
};

export class PriceError extends Error {}

/** Checks a parsed price file, naming the first key that is wrong. */
export function parsePrices(value: unknown, where = 'price table'): PriceTable {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new PriceError(`${where}: must be a JSON object`);
  const input = value as Record<string, unknown>;
  const out: PriceTable = { ...DEFAULT_PRICES, models: { ...DEFAULT_PRICES.models } };
  for (const [key, v] of Object.entries(input)) {
    if (key === 'models') {
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new PriceError(`${where}: "models" must be an object of model name to prices`);
      for (const [model, p] of Object.entries(v as Record<string, unknown>)) {
        const price = p as Record<string, unknown> | null;
        const ok = price && typeof price === 'object' && nonNegative(price.inputPerMillion) && nonNegative(price.outputPerMillion);
        if (!ok) throw new PriceError(`${where}: models["${model}"] needs inputPerMillion and outputPerMillion, numbers >= 0`);
        out.models[model] = { inputPerMillion: Number(price.inputPerMillion), outputPerMillion: Number(price.outputPerMillion) };
      }
    } else if (key === 'computePerUnit' || key === 'storagePerGbMonth' || key === 'apiPerCall' || key === 'apiConcurrency') {
      if (!nonNegative(v) || (key === 'apiConcurrency' && !((v as number) > 0))) throw new PriceError(`${where}: "${key}" must be a number >= 0`);
      out[key] = v as number;
    } else {
      throw new PriceError(`${where}: unknown key "${key}" (known: models, computePerUnit, storagePerGbMonth, apiPerCall, apiConcurrency)`);
    }
  }
  return out;
}

export function readPriceFile(path: string): PriceTable {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PriceError(`price file ${path}: ${(err as Error).message}`);
  }
  return parsePrices(parsed, `price file ${path}`);
}

function nonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Cost of a model call: its own cost_usd when given, else its tokens at the table's price; 0 for a model not in the table. */
export function inferenceCost(prices: PriceTable, model: string, input: number, output: number, costUsd: number | undefined): number {
  if (costUsd !== undefined) return costUsd;
  const p = prices.models[model];
  if (!p) return 0;
  return (input * p.inputPerMillion + output * p.outputPerMillion) / 1e6;
}
