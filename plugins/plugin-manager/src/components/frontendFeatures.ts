import type { AppTree } from '@backstage/frontend-plugin-api';

/** A frontend plugin as the running app has it: its extensions, how many are active. */
export interface FrontendFeatureRow {
  pluginId: string;
  title: string;
  extensions: number;
  active: number;
  disabled: number;
  pages: string[];
  entityContent: string[];
}

/**
 * Groups the app's extension tree by plugin: an extension is active when the app instantiated
 * it, disabled when the app config (or its definition) turned it off.
 */
export function frontendFeatures(tree: AppTree): FrontendFeatureRow[] {
  const byPlugin = new Map<string, FrontendFeatureRow>();
  for (const node of tree.nodes.values()) {
    const plugin = node.spec.plugin;
    const pluginId = plugin?.pluginId ?? 'app';
    let row = byPlugin.get(pluginId);
    if (!row) {
      row = { pluginId, title: plugin?.title ?? pluginId, extensions: 0, active: 0, disabled: 0, pages: [], entityContent: [] };
      byPlugin.set(pluginId, row);
    }
    row.extensions += 1;
    if (node.spec.disabled) row.disabled += 1;
    if (node.instance) {
      row.active += 1;
      if (node.spec.id.startsWith('page:')) row.pages.push(node.spec.id);
      if (node.spec.id.startsWith('entity-content:')) row.entityContent.push(node.spec.id);
    }
  }
  return [...byPlugin.values()].sort((a, b) => a.pluginId.localeCompare(b.pluginId));
}
