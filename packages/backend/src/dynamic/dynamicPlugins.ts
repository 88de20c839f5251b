import fs from 'node:fs';
import path from 'node:path';
import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';
import { targetPaths } from '@backstage/cli-common';
import { prepareDynamicPluginsStart, recordStartFailure } from '@stacktalk/plugin-plugin-manager-backend';

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
let startingRoot: string | undefined;

const startLog = {
  info: (message: string) => process.stdout.write(`dynamic-plugins info ${message}\n`),
  warn: (message: string) => process.stderr.write(`dynamic-plugins warn ${message}\n`),
  error: (message: string) => process.stderr.write(`dynamic-plugins error ${message}\n`),
};

export const dynamicPlugins = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    const rootDirectory = config.getOptionalString('dynamicPlugins.rootDirectory');
    if (rootDirectory) {
      startingRoot = dynamicPluginsRoot(rootDirectory);
      fs.mkdirSync(startingRoot, { recursive: true });
      // Admin changes from the Plugins page: applied by this start, or rolled back when a start
      // with them failed (plugins/plugin-manager-backend, applyChanges.ts).
      // (The root logger cannot be a dependency here: the dynamic feature service replaces it.)
      prepareDynamicPluginsStart(startingRoot, startLog);
    }
    yield dynamicPluginsFeatureLoader;
  },
});

/**
 * The backend did not start: if it was applying dynamic plugin changes, they are to blame and
 * the next start rolls them back with this error.
 */
export function dynamicPluginsStartFailed(error: unknown) {
  if (startingRoot) recordStartFailure(startingRoot, error);
}
