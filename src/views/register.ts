/** The four trees of the Generator Monitor container, fed by the agent's push stream. */
import * as vscode from 'vscode';
import type { Sample, Summary } from '../../agent/api/types';
import type { AgentConnection } from '../agent/connection';
import { errorGroupTree } from '../alerts/model';
import { connectionMessage, errorNode, resourceNodes, runDetailNodes, runListNodes } from './model';
import { createOverviewTree } from './overview';
import { RunList } from './run-list';
import { ModelTree } from './tree';

const DAY = 24 * 3600_000;

export interface Trees {
  runs: vscode.TreeView<unknown>;
  runsTree: ModelTree;
  runList: RunList;
}

export function registerViews(context: vscode.ExtensionContext, connection: AgentConnection): Trees {
  let latestSample: Sample | null = null;
  let hourSummary: Summary | null = null;

  const overview = createOverviewTree(context, connection);
  const runList = new RunList(
    (limit) => connection.get('/runs', { limit }),
    (id) =>
      connection.get('/runs/:id', {}, { id }).then(
        (d) => d.run,
        (err: Error) => (/answered 404/.test(err.message) ? null : Promise.reject(err)),
      ),
  );
  const runs = new ModelTree(
    async () => runListNodes(await runList.load(), Date.now()),
    async (node) => (node.open?.kind === 'run' ? runDetailNodes(await connection.get('/runs/:id', {}, { id: node.open.runId })) : []),
  );
  const errors = new ModelTree(
    async () => errorGroupTree(await connection.get('/errors/groups', { from: Date.now() - DAY, limit: 500 }), Date.now()),
    async (node) => (node.fingerprint ? (await connection.get('/errors/groups/:fingerprint', { buckets: 1 }, { fingerprint: node.fingerprint })).recent.map(errorNode) : []),
  );
  const resources = new ModelTree(async () => {
    hourSummary = await connection.get('/summary', { from: Date.now() - 3600_000 });
    return resourceNodes(latestSample ?? hourSummary.latestSample, hourSummary);
  });

  const views = [
    ['genmon.overview', overview],
    ['genmon.runs', runs],
    ['genmon.errors', errors],
    ['genmon.resources', resources],
  ] as const;
  let runsView: vscode.TreeView<unknown> | null = null;
  const treeViews: [vscode.TreeView<unknown>, ModelTree][] = [];
  for (const [id, tree] of views) {
    const view = vscode.window.createTreeView(id, { treeDataProvider: tree, showCollapseAll: id !== 'genmon.overview' });
    tree.setVisible(view.visible);
    context.subscriptions.push(tree, view, view.onDidChangeVisibility((e) => tree.setVisible(e.visible)));
    treeViews.push([view as vscode.TreeView<unknown>, tree]);
    if (id === 'genmon.runs') runsView = view as vscode.TreeView<unknown>;
  }
  // A tree still holding figures says they are stale while the agent is away; an empty one shows its welcome view instead.
  const showConnection = () => {
    for (const [view, tree] of treeViews) view.message = tree.hasNodes ? connectionMessage(connection.state) : undefined;
  };

  context.subscriptions.push(
    connection.onDidPush((m) => {
      switch (m.type) {
        case 'run':
        case 'phase':
        case 'ingest':
          overview.refresh();
          runs.refresh();
          break;
        case 'error':
        case 'errorGroup':
          errors.refresh();
          overview.refresh();
          break;
        case 'sample':
          latestSample = m.sample;
          // Resources are redrawn at most every few seconds from the live samples.
          resources.refresh(3000);
          break;
        default:
          break;
      }
    }),
    connection.onDidChangeState((s) => {
      showConnection();
      if (s.kind === 'connected') for (const [, tree] of views) tree.refresh(0);
    }),
    vscode.commands.registerCommand('genmon.refresh', () => {
      for (const [, tree] of views) tree.refresh(0);
    }),
  );
  return { runs: runsView!, runsTree: runs, runList };
}
