/**
 * Label matchers in Alertmanager's syntax: `name="value"`, `name!="value"`,
 * `name=~"regex"`, `name!~"regex"` (regexes anchored, as there). Used by
 * silences, inhibition rules and routes.
 */

export type Labels = Record<string, string>;

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export class MatcherError extends Error {}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*$/;
const regexCache = new Map<string, RegExp>();

function anchored(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    try {
      re = new RegExp(`^(?:${source})$`);
    } catch (err) {
      throw new MatcherError(`bad regular expression ${JSON.stringify(source)}: ${(err as Error).message}`);
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m) throw new MatcherError(`not a matcher: ${JSON.stringify(text.slice(0, 100))} (expected name="value", name!="value", name=~"re" or name!~"re")`);
  const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4];
  const matcher: Matcher = { name: m[1], op: m[2] as Matcher['op'], value };
  if (matcher.op === '=~' || matcher.op === '!~') anchored(value);
  return matcher;
}

/** An absent label matches as the empty string, as in Alertmanager. */
export function matches(matcher: Matcher, labels: Labels): boolean {
  const actual = Object.prototype.hasOwnProperty.call(labels, matcher.name) ? labels[matcher.name] : '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return anchored(matcher.value).test(actual);
    case '!~':
      return !anchored(matcher.value).test(actual);
  }
}

export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
