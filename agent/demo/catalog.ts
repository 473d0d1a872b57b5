/**
 * What the demo generator's made-up runs are made of: projects, features,
 * models, routes, queries and the errors each phase fails with.
 */
import type { ErrorCategory, Phase } from '../ingest/events';
import type { Rng } from './prng';

export interface ProjectKind {
  projectType: string;
  templates: readonly string[];
  apps: readonly string[];
  features: readonly string[];
}

export const PROJECTS: readonly (readonly [ProjectKind, number])[] = [
  [{ projectType: 'spa', templates: ['react-vite', 'vue-vite', 'svelte-kit'], apps: ['shop-frontend', 'habit-tracker', 'kanban-board', 'photo-gallery', 'budget-planner'], features: ['auth', 'payments', 'search', 'chat', 'i18n', 'file-upload', 'analytics', 'dark-mode', 'notifications'] }, 4],
  [{ projectType: 'fullstack', templates: ['next', 'remix', 'nuxt'], apps: ['recipe-hub', 'event-booking', 'team-wiki', 'clinic-portal', 'marketplace'], features: ['auth', 'payments', 'search', 'chat', 'i18n', 'file-upload', 'admin', 'analytics', 'notifications', 'realtime'] }, 4],
  [{ projectType: 'api', templates: ['express', 'fastapi', 'nest', 'go-chi'], apps: ['recipe-api', 'inventory-service', 'billing-api', 'webhook-relay', 'geo-search-api'], features: ['auth', 'payments', 'search', 'rate-limit', 'file-upload', 'admin', 'webhooks'] }, 3],
  [{ projectType: 'static', templates: ['astro', 'eleventy', 'hugo'], apps: ['landing-page', 'docs-site', 'portfolio', 'conference-site'], features: ['search', 'i18n', 'analytics', 'contact-form', 'blog'] }, 2],
];

export const USERS = ['u-ada', 'u-brook', 'u-chen', 'u-dara', 'u-emil', 'u-farah', 'u-goran', 'u-hana', 'u-ines', 'u-jonas', 'u-kai', 'u-lena'];

export interface Model {
  name: string;
  weight: number;
  /** Time to first token, ms. */
  baseMs: number;
  perOutputTokenMs: number;
  /** US dollars per million tokens. */
  inputPrice: number;
  outputPrice: number;
}

export const MODELS: readonly Model[] = [
  { name: 'gpt-4o', weight: 3, baseMs: 450, perOutputTokenMs: 9, inputPrice: 2.5, outputPrice: 10 },
  { name: 'claude-sonnet', weight: 3, baseMs: 550, perOutputTokenMs: 11, inputPrice: 3, outputPrice: 15 },
  { name: 'llama-3-70b', weight: 1.5, baseMs: 300, perOutputTokenMs: 14, inputPrice: 0.6, outputPrice: 0.8 },
  { name: 'gpt-4o-mini', weight: 1.5, baseMs: 250, perOutputTokenMs: 5, inputPrice: 0.15, outputPrice: 0.6 },
  { name: 'claude-haiku', weight: 1, baseMs: 300, perOutputTokenMs: 6, inputPrice: 0.8, outputPrice: 4 },
];

/** Typical phase durations in ms, [min, max]; slow runs go past them. */
export const PHASE_MS: Record<Phase, readonly [number, number]> = {
  blueprint: [1000, 4000],
  codegen: [5000, 25_000],
  validation: [2000, 8000],
  deployment: [3000, 12_000],
};

export const SLOW_PHASE_MS: Partial<Record<Phase, readonly [number, number]>> = {
  blueprint: [5200, 9000],
  codegen: [31_000, 62_000],
};

/** Prompt and answer sizes per phase, tokens. */
export const TOKENS: Record<Phase, { input: readonly [number, number]; output: readonly [number, number] }> = {
  blueprint: { input: [900, 3200], output: [400, 1400] },
  codegen: { input: [3000, 14_000], output: [300, 1600] },
  validation: { input: [1200, 6000], output: [150, 900] },
  deployment: { input: [400, 1500], output: [60, 300] },
};

export const ROUTES: Record<Phase, readonly (readonly [string, string])[]> = {
  blueprint: [['POST', '/api/generate'], ['GET', '/api/templates/:id']],
  codegen: [['GET', '/api/templates/:id'], ['POST', '/api/runs/:id/artifacts'], ['GET', '/registry/:package']],
  validation: [['POST', '/api/runs/:id/checks'], ['GET', '/registry/:package']],
  deployment: [['POST', '/v2/deployments'], ['GET', '/v2/deployments/:id'], ['PUT', '/v2/domains/:name']],
};

export const QUERIES: Record<Phase, readonly string[]> = {
  blueprint: ['select user quota', 'select template', 'insert run'],
  codegen: ['insert artifacts', 'select snippets', 'update run progress'],
  validation: ['insert check results', 'select lint rules'],
  deployment: ['insert deployment', 'update run status', 'select secrets'],
};

export const FEEDBACK: Record<number, readonly string[]> = {
  1: ['Did not build at all', 'Nothing like what I asked for', 'Failed twice, giving up'],
  2: ['Half the features are missing', 'Login page broken on mobile', 'Too slow to generate'],
  3: ['Works, but the styling is off', 'OK start, needed manual fixes', 'Search ignores accents'],
  4: ['Works well, small layout issues', 'Good, but the README is thin', 'Nice, deployment took a while'],
  5: ['Exactly what I wanted', 'Perfect, deployed first try', 'Great, even the tests pass'],
};

export const MODIFICATIONS = [
  'Adjusted colours and spacing',
  'Fixed a form validation message',
  'Renamed API fields to match our backend',
  'Added a missing translation',
  'Replaced placeholder images',
  'Tightened the CORS settings',
];

export interface ErrorSample {
  category: ErrorCategory;
  message: string;
  stack: string;
  context: Record<string, unknown>;
}

interface RunFacts {
  app: string;
  template: string;
  model: string;
  attempt: number;
}

type ErrorMaker = (rng: Rng, run: RunFacts) => ErrorSample;

const GEN = '/srv/generator/src';
const TICKS = '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)';

function stack(head: string, frames: readonly (readonly [string, string])[], internal = true): string {
  const lines = frames.map(([fn, file]) => `    at ${fn} (${GEN}/${file}:${position(fn + file)})`);
  return [head, ...lines, ...(internal ? [TICKS] : [])].join('\n');
}

/** Line and column of a made-up function: always the same for the same one, as in real code. */
function position(site: string): string {
  let h = 0;
  for (let i = 0; i < site.length; i++) h = (Math.imul(h, 31) + site.charCodeAt(i)) >>> 0;
  return `${12 + (h % 470)}:${5 + (h % 31)}`;
}

const PAGES = ['Checkout.tsx', 'Login.tsx', 'Dashboard.tsx', 'Settings.tsx', 'SearchResults.tsx', 'AdminUsers.tsx'];
const PACKAGES = ['react-router-dom@7', 'stripe@17', '@auth/core', 'i18next@24', 'zod@4', 'prisma@6'];

export const FAILURES: Record<Phase, readonly ErrorMaker[]> = {
  blueprint: [
    (rng, run) => {
      const pos = rng.int(800, 4200);
      const message = `Blueprint model returned invalid JSON: Unexpected token '}' at position ${pos}`;
      return { category: 'generation', message, stack: stack(`SyntaxError: ${message}`, [['parseBlueprint', 'blueprint/parse.ts'], ['async planApp', 'blueprint/index.ts']]), context: { model: run.model, position: pos, attempt: run.attempt } };
    },
    (rng, run) => {
      const message = `Requirements conflict: "payments" needs a server runtime but template ${run.template} has none`;
      return { category: 'generation', message, stack: stack(`Error: ${message}`, [['checkFeasibility', 'blueprint/feasibility.ts'], ['async planApp', 'blueprint/index.ts']]), context: { template: run.template, feature: 'payments' } };
    },
    (rng, run) => {
      const message = `Model request timed out after 30000 ms (${run.model})`;
      return { category: 'system', message, stack: stack(`TimeoutError: ${message}`, [['Timeout._onTimeout', 'models/client.ts'], ['listOnTimeout', 'models/client.ts']], false), context: { model: run.model, timeout_ms: 30_000 } };
    },
  ],
  codegen: [
    (rng, run) => {
      const message = "Cannot read properties of undefined (reading 'routes')";
      return { category: 'generation', message: `TypeError: ${message}`, stack: stack(`TypeError: ${message}`, [['buildRoutes', 'codegen/routes.ts'], ['emitPages', 'codegen/pages.ts'], ['async generate', 'codegen/index.ts']]), context: { app: run.app, template: run.template, step: 'routes' } };
    },
    (rng, run) => {
      const prompt = rng.int(128_100, 190_000);
      const message = `Context length exceeded: prompt has ${prompt} tokens, ${run.model} allows 128000`;
      return { category: 'generation', message, stack: stack(`Error: ${message}`, [['assertFits', 'models/budget.ts'], ['async completeFile', 'codegen/complete.ts'], ['async generate', 'codegen/index.ts']]), context: { model: run.model, prompt_tokens: prompt, limit: 128_000 } };
    },
    (rng, run) => {
      const retry = rng.int(5, 40);
      const message = `Rate limited by provider: 429 Too Many Requests (retry after ${retry} s)`;
      return { category: 'system', message, stack: stack(`HttpError: ${message}`, [['ModelClient.send', 'models/client.ts'], ['async completeFile', 'codegen/complete.ts']]), context: { model: run.model, status: 429, retry_after_s: retry } };
    },
  ],
  validation: [
    (rng) => {
      const count = rng.int(2, 19);
      const page = rng.pick(PAGES);
      const message = `TypeScript: ${count} errors in generated sources (TS2322 in src/pages/${page}:${rng.int(10, 200)})`;
      return { category: 'validation', message, stack: stack(`Error: ${message}`, [['typecheck', 'validation/typecheck.ts'], ['async validate', 'validation/index.ts']]), context: { errors: count, first_file: `src/pages/${page}`, code: 'TS2322' } };
    },
    (rng) => {
      const failed = rng.int(1, 6);
      const total = rng.int(24, 120);
      const message = `Test suite failed: ${failed} of ${total} tests failed (auth.spec.ts)`;
      return { category: 'validation', message, stack: stack(`AssertionError: ${message}`, [['runTests', 'validation/tests.ts'], ['async validate', 'validation/index.ts']]), context: { failed, total, runner: 'vitest' } };
    },
    (rng) => {
      const problems = rng.int(12, 60);
      const message = `ESLint: ${problems} problems (${Math.ceil(problems / 3)} errors) in generated sources`;
      return { category: 'validation', message, stack: stack(`Error: ${message}`, [['lint', 'validation/lint.ts'], ['async validate', 'validation/index.ts']]), context: { problems, rule: 'react-hooks/rules-of-hooks' } };
    },
  ],
  deployment: [
    (rng) => {
      const pkg = rng.pick(PACKAGES);
      const message = `Build failed: npm ERR! code ERESOLVE unable to resolve dependency tree (${pkg})`;
      return { category: 'deployment', message, stack: stack(`Error: ${message}`, [['runBuild', 'deploy/build.ts'], ['async deploy', 'deploy/index.ts']]), context: { package: pkg, exit_code: 1 } };
    },
    (rng, run) => {
      const message = `Health check failed: GET /healthz returned 502 after 5 attempts (${run.app})`;
      return { category: 'deployment', message, stack: stack(`Error: ${message}`, [['waitHealthy', 'deploy/health.ts'], ['async deploy', 'deploy/index.ts']]), context: { app: run.app, status: 502, attempts: 5 } };
    },
    (rng) => {
      const message = 'ENOSPC: no space left on device, write';
      return { category: 'system', message, stack: stack(`Error: ${message}`, [['writeArtifact', 'deploy/bundle.ts'], ['async packBundle', 'deploy/bundle.ts'], ['async deploy', 'deploy/index.ts']]), context: { path: '/var/lib/generator/bundles', free_bytes: 0 } };
    },
  ],
};

/** Warnings of a run that passes validation with reservations (a partial success). */
export const WARNINGS: readonly ErrorMaker[] = [
  (rng) => {
    const warnings = rng.int(8, 40);
    const message = `ESLint: ${warnings} warnings in generated sources`;
    return { category: 'validation', message, stack: stack(`Warning: ${message}`, [['lint', 'validation/lint.ts']], false), context: { warnings } };
  },
  (rng) => {
    const coverage = rng.int(22, 48);
    const message = `Test coverage ${coverage}% is below the 60% target`;
    return { category: 'validation', message, stack: stack(`Warning: ${message}`, [['checkCoverage', 'validation/coverage.ts']], false), context: { coverage, target: 60 } };
  },
];
