import type { Config } from '@backstage/config';
import path from 'node:path';
import type { SourceConfig } from './service/sources';

/**
 * `pluginManager.sources`; without it, the repository's own `plugins/` folder (the StackTalk
 * plugins, when the backend runs from the repository).
 */
export function readSources(config: Config, rootDir: string): SourceConfig[] {
  const configured = config.getOptionalConfigArray('pluginManager.sources');
  if (!configured) {
    return [{ name: 'StackTalk plugins', type: 'directory', path: path.join(rootDir, 'plugins') }];
  }
  return configured.map(source => {
    const type = source.getString('type');
    const name = source.getOptionalString('name');
    if (type === 'npm') {
      const scope = source.getString('scope');
      const registry = source.getOptionalString('registry') ?? 'https://registry.npmjs.org';
      return { name: name ?? `${scope} on ${registry}`, type, registry, scope };
    }
    if (type === 'directory') {
      const dir = path.resolve(rootDir, source.getString('path'));
      return { name: name ?? dir, type, path: dir };
    }
    throw new Error(`pluginManager.sources: unknown type ${type} (npm or directory)`);
  });
}
