/**
 * The Overview tree's sections, one per area of the spec, built from the
 * agent's metric registry (names, types, units, areas, help) and its `/stat`
 * answers: no list of metric names lives here. Pure, so it is tested from API data.
 */
import type { MetricDescriptor, MetricLabel, MetricStat } from '../../agent/api/types';
import { formatUnit } from '../../webview/data/format';
import type { NodeModel } from './model';

export interface Section {
  id: string;
  label: string;
  /** Registry areas it gathers. */
  areas: readonly string[];
  icon: string;
}

export const SECTIONS: readonly Section[] = [
  { id: 'generation', label: 'Generation', areas: ['generation'], icon: 'rocket' },
  { id: 'quality', label: 'Quality', areas: ['quality'], icon: 'verified' },
  { id: 'satisfaction', label: 'Satisfaction', areas: ['satisfaction'], icon: 'feedback' },
  { id: 'accuracy', label: 'Accuracy', areas: ['accuracy'], icon: 'target' },
  { id: 'api', label: 'API', areas: ['api'], icon: 'globe' },
  { id: 'model', label: 'Model', areas: ['model'], icon: 'hubot' },
  { id: 'database', label: 'Database', areas: ['database'], icon: 'database' },
  { id: 'resources', label: 'Resources', areas: ['compute', 'storage', 'network'], icon: 'server' },
  { id: 'usage', label: 'Usage', areas: ['sessions', 'features', 'journey', 'business', 'consumption'], icon: 'person' },
  { id: 'cost', label: 'Cost', areas: ['cost'], icon: 'credit-card' },
  { id: 'errors', label: 'Errors', areas: ['errors'], icon: 'bug' },
];
/** Areas no section names still show, so a new figure is never hidden. */
const OTHER: Section = { id: 'other', label: 'Other', areas: [], icon: 'ellipsis' };

/** Labels that filter runs rather than split a figure into parts worth listing. */
const FILTER_LABELS = new Set<MetricLabel>(['project_type', 'template', 'user', 'session']);

export function sectionOf(d: MetricDescriptor): Section {
  return SECTIONS.find((s) => s.areas.includes(d.area)) ?? OTHER;
}

export function sectionNodes(registry: readonly MetricDescriptor[]): NodeModel[] {
  const out: NodeModel[] = [];
  for (const section of [...SECTIONS, OTHER]) {
    const n = registry.filter((d) => sectionOf(d) === section).length;
    if (n === 0) continue;
    out.push({
      id: `section/${section.id}`,
      label: section.label,
      description: `${n} figure${n === 1 ? '' : 's'}`,
      tooltip: `${section.label}: ${n} figures of the last 24 h. Expand to fetch them.`,
      icon: { id: section.icon },
      expandable: true,
      contextValue: 'section',
    });
  }
  return out;
}

export function metricsOf(registry: readonly MetricDescriptor[], sectionId: string): MetricDescriptor[] {
  return registry.filter((d) => sectionOf(d).id === sectionId);
}

/** What `/stat` is asked for a figure: both ends of a histogram, the range's increase of a counter, a sum of money, a gauge's average. */
export function statQueries(d: MetricDescriptor): string[] {
  if (d.derived) return [d.name];
  if (d.type === 'histogram') return [`${d.name}:p50`, `${d.name}:p95`];
  if (d.type === 'counter') return [`${d.name}:increase`];
  return [`${d.name}:${d.unit === 'usd' ? 'sum' : 'avg'}`];
}

/** The label a figure is best split by, when it has one worth listing. */
export function primaryLabel(d: MetricDescriptor): MetricLabel | null {
  return d.labels.find((l) => !FILTER_LABELS.has(l)) ?? null;
}

const ACRONYMS: Record<string, string> = { cpu: 'CPU', api: 'API', db: 'DB', io: 'I/O', iops: 'IOPS', usd: 'USD' };
/** A `_ratio` after these words reads as a rate ("success rate"); other ratios read by their unit. */
const RATE_WORDS = new Set(['success', 'completion', 'bounce', 'abandonment', 'regeneration', 'modification', 'conversion']);
/** Words a figure's name repeats from its area. */
const AREA_WORDS: Record<string, string[]> = {
  generation: ['generation'], quality: ['quality'], accuracy: ['accuracy'], api: ['api'], model: ['model'], database: ['db'],
  sessions: ['session'], features: ['feature'], journey: ['journey'], cost: ['cost'],
};

/** A short title from the name, unless the registry gives one: `genmon_generation_success_ratio` → "Success rate". */
export function metricTitle(d: MetricDescriptor): string {
  const given = (d as MetricDescriptor & { title?: unknown }).title;
  if (typeof given === 'string' && given) return given;
  let words = d.name.replace(/^genmon_/, '').split('_');
  let ratio = false;
  if (words.at(-1) === 'second' && words.at(-2) === 'per') words = words.slice(0, -3);
  else if (words.at(-1) === 'ratio') {
    ratio = true;
    words = words.slice(0, -1);
  } else if (['total', 'seconds', 'bytes', 'usd'].includes(words.at(-1) ?? '') && words.length > 1) words = words.slice(0, -1);
  // A section gathering several areas keeps the area word, which tells its figures apart ("Feature requests", "Session duration").
  const area = sectionOf(d).areas.length === 1 ? (AREA_WORDS[d.area] ?? []) : [];
  while (words.length > 1 && area.includes(words[0])) words = words.slice(1);
  if (ratio && RATE_WORDS.has(words.at(-1) ?? '')) words.push('rate');
  const text = words.map((w) => ACRONYMS[w] ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function valueOf(stats: readonly MetricStat[], query: string): MetricStat | undefined {
  const [metric, agg] = query.split(':');
  return stats.find((s) => s.metric === metric && (agg === undefined || s.agg === agg));
}

/** "p50 1.2 s · p95 3.4 s" for a histogram, the one value otherwise. */
export function describe(d: MetricDescriptor, values: readonly (number | null | undefined)[]): string {
  if (d.type === 'histogram' && !d.derived) return `p50 ${formatUnit(values[0], d.unit)} · p95 ${formatUnit(values[1], d.unit)}`;
  return formatUnit(values[0], d.unit);
}

/** One node per figure of a section, valued from `/stat`. */
export function metricNodes(descriptors: readonly MetricDescriptor[], stats: readonly MetricStat[]): NodeModel[] {
  const titles = descriptors.map(metricTitle);
  return descriptors.map((d, i) => {
    const label = primaryLabel(d);
    // Two figures of one thing in different units ("Disk used" in bytes and as a share) say which is which.
    const twin = titles.some((t, j) => j !== i && t === titles[i]);
    return {
      id: `metric/${d.name}`,
      label: twin ? `${titles[i]} (${d.unit === 'ratio' ? '%' : d.unit})` : titles[i],
      description: describe(d, statQueries(d).map((q) => valueOf(stats, q)?.value)),
      tooltip: `${d.help}\n${d.name} (${d.type}, ${d.unit})${d.spec.length ? `\nspec ${d.spec.join(', ')}` : ''}\nlast 24 h${label ? `; expand: by ${label}` : ''}`,
      icon: { id: d.type === 'histogram' ? 'graph' : d.type === 'counter' ? 'symbol-number' : 'dashboard' },
      expandable: label !== null,
      contextValue: `metric ${d.type}`,
    };
  });
}

/** A figure split by its primary label, largest first. */
export function labelNodes(d: MetricDescriptor, stats: readonly MetricStat[]): NodeModel[] {
  const label = primaryLabel(d);
  if (!label) return [];
  const queries = statQueries(d);
  const split = queries.map((q) => valueOf(stats, q)?.by ?? []);
  const keys = [...new Set(split.flatMap((rows) => rows.map((r) => r.labels[label] ?? '')))];
  const valueAt = (i: number, key: string) => split[i].find((r) => (r.labels[label] ?? '') === key)?.value ?? null;
  return keys
    .map((key) => ({ key, sort: valueAt(queries.length - 1, key) ?? -Infinity }))
    .sort((a, b) => b.sort - a.sort || a.key.localeCompare(b.key))
    .map(({ key }) => ({
      id: `metric/${d.name}/${label}=${key}`,
      label: key || '(none)',
      description: describe(d, queries.map((_, i) => valueAt(i, key))),
      tooltip: `${metricTitle(d)} where ${label} is ${key || 'not set'}, last 24 h`,
    }));
}
