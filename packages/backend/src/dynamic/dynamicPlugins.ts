import fs from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';
import { targetPaths } from '@backstage/cli-common';

/**
 * The folder `dynamicPlugins.rootDirectory` names, resolved the way Backstage's scanner resolves
 * it (a relative path from the repository root).
 */
export function dynamicPluginsRoot(rootDirectory: string): string {
  return path.isAbsolute(rootDirectory)
    ? path.resolve(rootDirectory)
    : path.resolve(targetPaths.rootDir, rootDirectory);
}

/**
 * Backstage's dynamic feature service (`@backstage/backend-dynamic-feature-service`): every
 * package folder in `dynamicPlugins.rootDirectory` is loaded at start, frontend remotes are listed
 * at `/.backstage/dynamic-features/remotes`. Backstage's scanner refuses to start when the folder
 * is missing; here a missing folder is created empty (no dynamic plugins, nothing else changes),
 * so a plugin page can drop bundles into it. Without `dynamicPlugins.rootDirectory` in the
 * config, nothing is loaded.
 */
export const dynamicPlugins = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    const rootDirectory = config.getOptionalString('dynamicPlugins.rootDirectory');
    if (rootDirectory) {
      fs.mkdirSync(dynamicPluginsRoot(rootDirectory), { recursive: true });
    }
    yield dynamicPluginsFeatureLoader;
  },
});
