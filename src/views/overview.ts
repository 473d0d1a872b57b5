/**
 * The Overview tree: first the figures a person checks at a glance (success
 * rate, attempts by outcome, phase p50/p95, the machine now, errors by
 * category, from `/summary`), then a section per area of the spec from the
 * agent's metric registry. A section or a figure fetches its values only when
 * expanded, and again after pushes while it stays expanded (the tree
 * refreshes, VS Code asks again for the children of what is open). An agent
 * without the registry shows the glance figures alone.
 */
import * as vscode from 'vscode';
import type { MetricDescriptor } from '../../agent/api/types';
import type { AgentConnection } from '../agent/connection';
import { overviewNodes } from './model';
import { labelNodes, metricNodes, metricsOf, primaryLabel, sectionNodes, statQueries } from './sections';
import { ModelTree } from './tree';

const DAY = 24 * 3600_000;

export function createOverviewTree(context: vscode.ExtensionContext, connection: AgentConnection): ModelTree {
  let registry: MetricDescriptor[] | null = null;
  context.subscriptions.push(
    connection.onDidChangeState((s) => {
      // Another agent (or a newer one) may know other figures.
      if (s.kind !== 'connected') registry = null;
    }),
  );
  const range = () => ({ from: Date.now() - DAY, to: Date.now() });

  return new ModelTree(
    async () => {
      const s = await connection.get('/summary', { from: Date.now() - DAY });
      void vscode.commands.executeCommand('setContext', 'genmon.hasRuns', s.attempts > 0 || s.lastRun !== null);
      registry ??= await connection.get('/metrics/registry').catch(() => null);
      return [...overviewNodes(s), ...(registry?.length ? sectionNodes(registry) : [])];
    },
    async (node) => {
      if (!registry) return [];
      if (node.id.startsWith('section/')) {
        const descriptors = metricsOf(registry, node.id.slice('section/'.length));
        const stats = await connection.get('/stat', { q: descriptors.flatMap(statQueries).join(','), ...range() });
        return metricNodes(descriptors, stats);
      }
      const d = registry.find((m) => node.id === `metric/${m.name}`);
      const label = d && primaryLabel(d);
      if (!d || !label) return [];
      return labelNodes(d, await connection.get('/stat', { q: statQueries(d).join(','), by: label, ...range() }));
    },
  );
}
