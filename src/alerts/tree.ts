/**
 * The Alerts and Incidents trees: one `TreeItem` subclass per node kind,
 * the whole tree fetched when the agent pushes a change (debounced, and
 * never while the view is hidden), so `getChildren` only hands out what is
 * already there, and `getParent` lets `reveal` find any node.
 */
import * as vscode from 'vscode';
import type { NodeModel } from '../views/model';

export abstract class AlertingItem extends vscode.TreeItem {
  children: AlertingItem[] = [];

  constructor(
    readonly model: NodeModel,
    readonly parent: AlertingItem | undefined,
    state: vscode.TreeItemCollapsibleState,
  ) {
    super(model.label, model.children?.length ? state : vscode.TreeItemCollapsibleState.None);
    this.id = model.id;
    this.description = model.description;
    this.tooltip = model.tooltip;
    this.contextValue = model.contextValue;
    if (model.icon) this.iconPath = new vscode.ThemeIcon(model.icon.id, model.icon.color ? new vscode.ThemeColor(model.icon.color) : undefined);
  }
}

export class SectionItem extends AlertingItem {
  constructor(model: NodeModel, parent: AlertingItem | undefined) {
    super(model, parent, vscode.TreeItemCollapsibleState.Expanded);
  }
}

export class AlertItem extends AlertingItem {
  constructor(model: NodeModel, parent: AlertingItem | undefined) {
    super(model, parent, vscode.TreeItemCollapsibleState.None);
  }
}

export class SilenceItem extends AlertingItem {
  constructor(model: NodeModel, parent: AlertingItem | undefined) {
    super(model, parent, vscode.TreeItemCollapsibleState.None);
  }
}

export class IncidentItem extends AlertingItem {
  constructor(model: NodeModel, parent: AlertingItem | undefined) {
    super(model, parent, model.contextValue?.includes('open') ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  }
}

export class TimelineItem extends AlertingItem {
  constructor(model: NodeModel, parent: AlertingItem | undefined) {
    super(model, parent, vscode.TreeItemCollapsibleState.None);
    if (model.open) this.command = { command: 'genmon.open', title: 'Open', arguments: [model.open] };
  }
}

function itemFor(model: NodeModel, parent: AlertingItem | undefined): AlertingItem {
  const kind = model.contextValue?.split(' ')[0];
  switch (kind) {
    case 'alert':
      return new AlertItem(model, parent);
    case 'silence':
      return new SilenceItem(model, parent);
    case 'incident':
      return new IncidentItem(model, parent);
    case 'timeline':
      return new TimelineItem(model, parent);
    default:
      return new SectionItem(model, parent);
  }
}


export class PrefetchedTree implements vscode.TreeDataProvider<AlertingItem>, vscode.Disposable {
  private roots: AlertingItem[] = [];
  private readonly byId = new Map<string, AlertingItem>();
  private readonly changed = new vscode.EventEmitter<AlertingItem | undefined>();
  private timer: NodeJS.Timeout | null = null;
  private dirty = true;
  private visible = false;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly load: () => Promise<NodeModel[]>) {}

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.dirty) this.refresh();
  }

  /** Refetch soon; bursts of pushes become one fetch. */
  refresh(delayMs = 250): void {
    this.dirty = true;
    if (!this.visible || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch();
    }, delayMs);
  }

  private async fetch(): Promise<void> {
    this.dirty = false;
    let models: NodeModel[];
    try {
      models = await this.load();
    } catch {
      // Not connected or the agent went away: the welcome view says so.
      models = [];
    }
    this.byId.clear();
    const build = (m: NodeModel, parent: AlertingItem | undefined): AlertingItem => {
      const item = itemFor(m, parent);
      this.byId.set(m.id, item);
      item.children = (m.children ?? []).map((c) => build(c, item));
      return item;
    };
    this.roots = models.map((m) => build(m, undefined));
    this.changed.fire(undefined);
  }

  getTreeItem(item: AlertingItem): AlertingItem {
    return item;
  }

  getChildren(item?: AlertingItem): AlertingItem[] {
    return item ? item.children : this.roots;
  }

  getParent(item: AlertingItem): AlertingItem | undefined {
    return item.parent;
  }

  find(id: string): AlertingItem | undefined {
    return this.byId.get(id);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}
