import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { targetPaths } from '@backstage/cli-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import { pluginManagerPermissions } from '@stacktalk/plugin-plugin-manager-common';
import path from 'node:path';
import { resolveBackendDir } from './service/inventory';
import { PluginManagerService } from './service/PluginManagerService';
import { createRouter } from './service/router';
import { BundleManager } from './service/bundles';

/** Default upload cap for a bundle (`pluginManager.maxBundleBytes`): 50 MiB. */
const DEFAULT_MAX_BUNDLE_BYTES = 50 * 1024 * 1024;
import { readSources } from './config';

/** Serves /api/plugin-manager: what is installed in this backend and what the sources offer. */
export const pluginManagerPlugin = createBackendPlugin({
  pluginId: 'plugin-manager',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        instanceMetadata: coreServices.rootInstanceMetadata,
        catalog: catalogServiceRef,
        auditor: coreServices.auditor,
      },
      async init({ config, logger, auth, discovery, httpAuth, httpRouter, permissions, permissionsRegistry, instanceMetadata, catalog, auditor }) {
        permissionsRegistry.addPermissions(pluginManagerPermissions);
        const rootDir = targetPaths.rootDir;
        const dynamicRoot = config.getOptionalString('dynamicPlugins.rootDirectory');
        const backendDir = resolveBackendDir(config.getOptionalString('pluginManager.backendPackageDir'), rootDir);
        const dynamicPluginsDir = dynamicRoot ? path.resolve(rootDir, dynamicRoot) : undefined;
        const appDir = path.resolve(rootDir, config.getOptionalString('pluginManager.appPackageDir') ?? 'packages/app');
        const sources = readSources(config, rootDir);
        const service = new PluginManagerService({
          logger,
          auth,
          discovery,
          instanceMetadata,
          catalog,
          config: config.get() as JsonObject,
          backendDir,
          appDir,
          dynamicPluginsDir,
          sources,
        });
        const bundles = dynamicPluginsDir
          ? new BundleManager({
              dynamicPluginsDir,
              backendDir,
              appDir,
              config: config.get() as JsonObject,
              maxBundleBytes: config.getOptionalNumber('pluginManager.maxBundleBytes') ?? DEFAULT_MAX_BUNDLE_BYTES,
              npmSources: sources.flatMap(s => (s.type === 'npm' ? [s] : [])),
            })
          : undefined;
        httpRouter.use(await createRouter({
            httpAuth,
            permissions,
            service,
            auditor,
            bundles,
            restartEnabled: config.getOptionalBoolean('pluginManager.restart.enabled') ?? false,
          }));
      },
    });
  },
});
