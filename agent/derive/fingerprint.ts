/**
 * Error grouping, Sentry-style: errors that differ only in ids, numbers,
 * paths, hex, quoted values or line numbers share a fingerprint; errors of
 * another category, another message shape or another call site do not.
 */
import { createHash } from 'node:crypto';

type Rule = [RegExp, (match: string) => string];
const to = (placeholder: string) => () => placeholder;

const RULES: Rule[] = [
  // URLs before paths, paths before numbers: each swallows what later rules would split.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`)\]]+/gi, to('<url>')],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, to('<uuid>')],
  [/(?:[A-Za-z]:)?(?:[\\/][\w.@~-]+){2,}[\\/]?/g, to('<path>')],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, to('<time>')],
  [/"[^"]{1,200}"|'[^']{1,200}'|`[^`]{1,200}`/g, to('<str>')],
  // Hex of 8+ characters with a digit in it: hashes, addresses, object ids.
  [/\b(?:0x)?[0-9a-f]{8,}\b/gi, (m) => (/\d/.test(m) ? '<hex>' : m)],
  // Words holding numbers: ids when they carry 3+ digits or end in -NN/_NN; short ones (gpt-4, s3) stay.
  [/\b[\w-]*\d[\w-]*\b/g, (m) => (/^\d+$/.test(m) ? '<n>' : /\d{3,}|[-_]\d{2,}$/.test(m) ? '<id>' : m)],
  [/-?\b\d+(?:\.\d+)?\b/g, to('<n>')],
  [/\s+/g, to(' ')],
];

/** The message with its variable parts replaced by placeholders. */
export function normalizeMessage(message: string): string {
  let out = message.slice(0, 2000);
  for (const [pattern, replace] of RULES) out = out.replace(pattern, replace);
  return out.trim().toLowerCase();
}

/**
 * The top `n` frames of a stack trace that name code, each reduced to its
 * function and file name (no directories, line or column numbers), so the same
 * call site matches across machines, builds and versions.
 */
export function topFrames(stack: string | null | undefined, n = 3): string[] {
  if (!stack) return [];
  const frames: string[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    // V8: "at fn (path:line:col)" or "at path:line:col"; Python: 'File "path", line N, in fn'.
    const v8 = /^at\s+(?:async\s+)?(?:(?<fn>[^\s(]+(?: \[as [^\]]+\])?)\s+\()?(?<file>[^():]+?)(?::\d+)*\)?$/.exec(line);
    const py = /^File "(?<file>[^"]+)", line \d+, in (?<fn>\S+)/.exec(line);
    const m = v8 ?? py;
    if (!m?.groups) continue;
    const file = m.groups.file.split(/[\\/]/).pop() ?? m.groups.file;
    if (/^node:|^internal\//.test(m.groups.file) || file.startsWith('<')) continue;
    frames.push(`${m.groups.fn ?? '<anonymous>'}@${file}`);
    if (frames.length === n) break;
  }
  return frames;
}

export interface Fingerprintable {
  category: string;
  message: string;
  stack?: string | null;
}

export function fingerprint(e: Fingerprintable): string {
  const parts = [e.category, normalizeMessage(e.message), ...topFrames(e.stack)];
  return createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 16);
}
