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
import { confirmDynamicPluginsStart } from './service/applyChanges';
import { probeHealth } from './service/probes';
import { restartAvailable, restartSelf } from './service/restart';

import { readSources } from './config';

/** Default upload cap for a bundle (`pluginManager.maxBundleBytes`): 50 MiB. */
const DEFAULT_MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

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
        lifecycle: coreServices.lifecycle,
      },
      async init({ config, logger, auth, discovery, httpAuth, httpRouter, permissions, permissionsRegistry, instanceMetadata, catalog, auditor, lifecycle }) {
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
        const restartEnabled = restartAvailable(config);
        const bundles = dynamicPluginsDir
          ? new BundleManager({
              dynamicPluginsDir,
              backendDir,
              appDir,
              config: config.get() as JsonObject,
              maxBundleBytes: config.getOptionalNumber('pluginManager.maxBundleBytes') ?? DEFAULT_MAX_BUNDLE_BYTES,
              maxUnpackedBytes: config.getOptionalNumber('pluginManager.maxUnpackedBytes'),
              npmSources: sources.flatMap(s => (s.type === 'npm' ? [s] : [])),
            })
          : undefined;
        httpRouter.use(await createRouter({
            httpAuth,
            permissions,
            service,
            auditor,
            bundles,
            restartEnabled,
          }));
        // Changes this start applies (scripts and the dynamic feature loader set them up): live
        // when every plugin they add runs and answers, else rolled back (restarting if an earlier
        // version was put back and something starts the backend again).
        if (dynamicPluginsDir) {
          lifecycle.addStartupHook(async () => {
            await confirmDynamicPluginsStart({
              dynamicPluginsDir,
              log: logger,
              runningPluginIds: async () => new Set((await instanceMetadata.getInstalledPlugins()).map(p => p.pluginId)),
              answers: async pluginId => {
                const health = await probeHealth(discovery, pluginId);
                return {
                  answering: health.state === 'answering' || health.state === 'no-routes',
                  detail: `${health.checked}: ${health.httpStatus ?? health.error ?? health.state}`,
                };
              },
              restart: () => {
                if (restartEnabled) restartSelf();
              },
            }).catch(error => logger.error(`Confirming the dynamic plugin changes failed: ${error}`));
          });
        }
      },
    });
  },
});
