/**
 * A tree view over `NodeModel`s: fetched when the agent pushes a change
 * (debounced), never while the view is hidden (it refetches on becoming
 * visible), never inside `getChildren`.
 */
import * as vscode from 'vscode';
import type { NodeModel } from './model';

export class ModelItem extends vscode.TreeItem {
  constructor(readonly model: NodeModel) {
    super(model.label, model.children?.length || model.expandable ? (model.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None);
    this.id = model.id;
    this.description = model.description;
    this.tooltip = model.tooltip;
    this.contextValue = model.contextValue;
    if (model.icon) this.iconPath = new vscode.ThemeIcon(model.icon.id, model.icon.color ? new vscode.ThemeColor(model.icon.color) : undefined);
    if (model.open) this.command = { command: 'genmon.open', title: 'Open', arguments: [model.open] };
  }
}

export class ModelTree implements vscode.TreeDataProvider<ModelItem>, vscode.Disposable {
  private roots: ModelItem[] = [];
  private readonly expanded = new Map<string, ModelItem[]>();
  private readonly parents = new Map<string, ModelItem>();
  private readonly changed = new vscode.EventEmitter<ModelItem | undefined>();
  private timer: NodeJS.Timeout | null = null;
  /** Fetches can overlap (a push, then Show Run); only the last one started may set the roots. */
  private fetches = 0;
  private dirty = true;
  private visible = false;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly load: () => Promise<NodeModel[]>,
    private readonly loadChildren?: (node: NodeModel) => Promise<NodeModel[]>,
  ) {}

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

  /** Refetches now, visible or not, and resolves once the new roots are in place (for `reveal`). */
  async reload(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.fetch();
  }

  get hasNodes(): boolean {
    return this.roots.length > 0;
  }

  private async fetch(): Promise<void> {
    this.dirty = false;
    const seq = ++this.fetches;
    let roots: ModelItem[];
    try {
      roots = (await this.load()).map((m) => new ModelItem(m));
    } catch {
      roots = [];
    }
    if (seq !== this.fetches) return;
    this.roots = roots;
    this.expanded.clear();
    this.parents.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(item: ModelItem): ModelItem {
    return item;
  }

  async getChildren(item?: ModelItem): Promise<ModelItem[]> {
    if (!item) return this.roots;
    let children = this.expanded.get(item.model.id);
    if (!children) {
      const models = item.model.children ?? (this.loadChildren ? await this.loadChildren(item.model).catch(() => []) : []);
      children = models.map((m) => new ModelItem(m));
      this.expanded.set(item.model.id, children);
      for (const c of children) this.parents.set(c.model.id, item);
    }
    return children;
  }

  getParent(item: ModelItem): ModelItem | undefined {
    return this.parents.get(item.model.id);
  }

  find(id: string): ModelItem | undefined {
    return this.roots.find((r) => r.model.id === id);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}
