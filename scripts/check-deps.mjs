// `npm run test:deps`: the shipped dependencies have no high or critical
// advisory (npm audit), and the packaged VSIX holds only what it should.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(new URL('.', import.meta.url).pathname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok' : 'FAILED'}: ${what}`);
  if (ok) passed++;
  else failed++;
};

const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { cwd: root, encoding: 'utf8' });
let report = null;
try {
  report = JSON.parse(audit.stdout);
} catch {
  // Not JSON: npm failed before auditing.
}
const counts = report?.metadata?.vulnerabilities ?? null;
if (counts) {
  console.log(`npm audit (shipped dependencies): ${JSON.stringify(counts)}`);
  check(counts.high === 0 && counts.critical === 0, 'npm audit --omit=dev: no high or critical advisory');
} else {
  // The advisory service is a separate endpoint of the registry; some mirrors and proxies refuse it.
  const why = report?.error?.summary || report?.message || `${audit.stderr}`.trim().split('\n').find((l) => /error|warn/.test(l)) || 'no answer';
  console.log(`SKIPPED: npm audit could not reach the registry's advisory service (${why}); the advisories were not checked`);
  skipped++;
}

const vsix = join(root, 'genmon-check.vsix');
const pack = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], { cwd: root, encoding: 'utf8' });
if (pack.status !== 0) console.error(pack.stdout, pack.stderr);
check(pack.status === 0, 'the VSIX packages');

/** Entry names of a zip, from its central directory. */
function zipEntries(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let pos = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(pos + 28);
    const extraLen = buf.readUInt16LE(pos + 30);
    const commentLen = buf.readUInt16LE(pos + 32);
    names.push(buf.subarray(pos + 46, pos + 46 + nameLen).toString('utf8'));
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

if (pack.status === 0) {
  const names = zipEntries(readFileSync(vsix)).sort();
  rmSync(vsix, { force: true });
  console.log(`VSIX: ${names.length} files\n  ${names.join('\n  ')}`);
  const allowed = /^(\[Content_Types\]\.xml|extension\.vsixmanifest|extension\/(dist|media|docs|schema)\/.+|extension\/(package\.json|readme\.md|README\.md|LICENSE(\.txt|\.md)?|changelog\.md))$/;
  const outside = names.filter((n) => !allowed.test(n));
  check(outside.length === 0, `only dist/, media/, docs/, schema/, package.json, README, LICENSE${outside.length ? `; also ${outside.join(', ')}` : ''}`);
  const forbidden = names.filter((n) => /(^|\/)(node_modules|test|tests|src|webview|bench|scripts|\.git)\/|\.(ts|tsx|map)$|(^|\/)\.env|\.(pem|key|p12)$|id_rsa|\.npmrc$|\.tsbuildinfo$/.test(n) && !n.endsWith('.d.ts'));
  check(forbidden.length === 0, `no tests, sources, maps, node_modules or secrets${forbidden.length ? `: ${forbidden.join(', ')}` : ''}`);
  for (const needed of ['extension/dist/extension.js', 'extension/dist/agent.js', 'extension/package.json']) check(names.includes(needed), `carries ${needed}`);
  // Every file of the build, the ones the agent loads only on first use (the OTLP protobuf module, systeminformation) included.
  const built = readdirSync(join(root, 'dist')).filter((f) => !f.endsWith('.map')).map((f) => `extension/dist/${f}`);
  const missing = built.filter((f) => !names.includes(f));
  check(missing.length === 0, `carries every file of dist/ (${built.length})${missing.length ? `; missing ${missing.join(', ')}` : ''}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
