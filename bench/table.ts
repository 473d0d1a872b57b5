/**
 * The pure part of the bench runner: targets, verdicts, ratios and the
 * printed table. The row types are documented in bench/lib.ts.
 */

export type Op = '<' | '<=' | '>' | '>=';

export interface Target {
  op: Op;
  value: number;
  /** What the spec demands, printed beside our own, stricter target. */
  spec?: number;
}

export interface Peer {
  /** What ran, and how: "Netdata 1.37 (Debian, stock config)", "better-sqlite3 12, WAL (lower bound)". */
  name: string;
  /** In the row's unit; null when it could not run here. */
  value: number | null;
  /** Why there is no value: what was tried and what happened. */
  why?: string;
  note?: string;
}

export interface Row {
  /** Stable key in results.json: `<bench id>.<figure>`. */
  id: string;
  figure: string;
  /** null when it could not be measured; `why` says why. */
  value: number | null;
  unit: string;
  target?: Target;
  /** Measured in the same run; the first is the one `ratioTarget` is about. */
  peers?: Peer[];
  /** A target on value / peers[0].value, e.g. at most a third of a peer's CPU. */
  ratioTarget?: Target;
  why?: string;
  note?: string;
}

export type Verdict = 'met' | 'MISSED' | 'n/a' | '';

export interface ResultRow extends Row {
  /** value / peer value for each peer, null where either is missing. */
  ratios: (number | null)[];
  verdict: Verdict;
}

export function holds(target: Target, value: number): boolean {
  switch (target.op) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>':
      return value > target.value;
    case '>=':
      return value >= target.value;
  }
}

export function ratioOf(value: number | null, peer: number | null): number | null {
  if (value === null || peer === null || !Number.isFinite(value) || !Number.isFinite(peer) || peer === 0) return null;
  return value / peer;
}

/** MISSED if any target fails, n/a if one cannot be judged (no value, no peer), met if all hold. */
export function verdictOf(row: Row): Verdict {
  const checks: (boolean | null)[] = [];
  const usable = (v: number | null): v is number => v !== null && Number.isFinite(v);
  if (row.target) checks.push(usable(row.value) ? holds(row.target, row.value) : null);
  if (row.ratioTarget) {
    const ratio = ratioOf(row.value, row.peers?.[0]?.value ?? null);
    checks.push(ratio === null ? null : holds(row.ratioTarget, ratio));
  }
  if (checks.length === 0) return '';
  if (checks.includes(false)) return 'MISSED';
  if (checks.includes(null)) return 'n/a';
  return 'met';
}

export function resolveRow(row: Row): ResultRow {
  return { ...row, ratios: (row.peers ?? []).map((p) => ratioOf(row.value, p.value)), verdict: verdictOf(row) };
}

/** Three significant figures below 1,000, whole numbers with separators above. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export function targetText(target: Target | undefined, unit: string): string {
  if (!target) return '';
  const op = target.op === '<=' ? '≤' : target.op === '>=' ? '≥' : target.op;
  const number = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(3))));
  const spec = target.spec === undefined ? '' : ` (spec ${op} ${number(target.spec)})`;
  return `${op} ${number(target.value)} ${unit}${spec}`.replace(/ +\(/, ' (').trim();
}

/**
 * The rows as a Markdown table (so it pastes into the README): one line per
 * row, and a line more for each further peer. Reasons a figure or a peer is
 * missing go below the table as numbered notes, to keep columns narrow.
 */
export function renderTable(rows: readonly ResultRow[]): string {
  const header = ['figure', 'value', 'target', 'verdict', 'peer or bound (same run)', 'ratio', 'note'];
  const body: string[][] = [];
  const footnotes: string[] = [];
  const footnote = (text: string) => {
    footnotes.push(text);
    return `[${footnotes.length}]`;
  };
  for (const row of rows) {
    const value = row.value === null ? `n/a ${row.why ? footnote(row.why) : ''}`.trim() : `${formatNumber(row.value)} ${row.unit}`;
    const peers = row.peers?.length ? row.peers : [undefined];
    peers.forEach((peer, i) => {
      let peerCell = '';
      let ratioCell = '';
      if (peer) {
        peerCell = peer.value === null ? `${peer.name}: not run ${peer.why ? footnote(peer.why) : ''}`.trim() : `${peer.name}: ${formatNumber(peer.value)} ${row.unit}`;
        if (peer.note) peerCell += ` (${peer.note})`;
        ratioCell = formatNumber(row.ratios[i]);
        if (i === 0 && row.ratioTarget) ratioCell += ` (target ${targetText(row.ratioTarget, '').trim()})`;
      }
      body.push(
        i === 0
          ? [row.figure, value, targetText(row.target, row.unit), row.verdict, peerCell, ratioCell, row.note ?? '']
          : ['', '', '', '', peerCell, ratioCell, ''],
      );
    });
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)];
  if (footnotes.length) out.push('', ...footnotes.map((text, i) => `[${i + 1}] ${text}`));
  return out.join('\n');
}
