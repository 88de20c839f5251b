import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { targetPaths } from '@backstage/cli-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import type { JsonObject } from '@backstage/types';
import { pluginManagerPermissions } from '@stacktalk/plugin-plugin-manager-common';
import os from 'node:os';
import path from 'node:path';
import { readSources } from './config';
import { confirmDynamicPluginsStart } from './service/applyChanges';
import { BundleManager } from './service/bundles';
import { resolveBackendDir } from './service/inventory';
import { PluginManagerService } from './service/PluginManagerService';
import { probeHealth } from './service/probes';
import { restartAvailable, restartGraceMs, restartSelf } from './service/restart';
import { RollingRestarts } from './service/rolling';
import { BOOT, createRouter } from './service/router';

/** Default upload cap for a bundle (`pluginManager.maxBundleBytes`): 50 MiB. */
const DEFAULT_MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

/** The port of `backend.listen`: `':7007'`, `'0.0.0.0:7007'` or `{ port: 7007 }` (default 7007). */
export function listenPort(listen: unknown): string {
  if (typeof listen === 'string') return listen.split(':').pop() || '7007';
  if (listen && typeof listen === 'object' && 'port' in listen) return String((listen as { port: unknown }).port);
  return '7007';
}

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
        rootLifecycle: coreServices.rootLifecycle,
      },
      async init({ config, logger, auth, discovery, httpAuth, httpRouter, permissions, permissionsRegistry, instanceMetadata, catalog, auditor, rootLifecycle }) {
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
        const graceMs = restartGraceMs(config);
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
            restart: () => restartSelf(graceMs),
          }));
        // Changes this start applies (the backend's dynamic feature loader set them up): once
        // every plugin has started (root lifecycle), live when every plugin they add runs and
        // answers, else rolled back (restarting if an earlier version was put back).
        if (dynamicPluginsDir) {
          rootLifecycle.addStartupHook(async () => {
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
                if (restartEnabled) restartSelf(graceMs);
              },
            }).catch(error => logger.error(`Confirming the dynamic plugin changes failed: ${error}`));
          });
        }
        rootLifecycle.addStartupHook(() => {
          service.warmUp().catch(error => logger.warn(`Config schema warm-up failed: ${error}`));
        });
        // Replicas sharing the folder catch up with applied changes one at a time.
        if (dynamicPluginsDir && restartEnabled) {
          const rolling = new RollingRestarts({
            dynamicPluginsDir,
            replicaId: process.env.STACKTALK_REPLICA_ID ?? `${os.hostname()}:${listenPort(config.getOptional('backend.listen'))}`,
            boot: BOOT,
            restart: () => restartSelf(graceMs),
            log: logger,
          });
          let timer: NodeJS.Timeout | undefined;
          rootLifecycle.addStartupHook(() => {
            timer = setInterval(() => {
              rolling.tick().catch(error => logger.warn(`Rolling restart check failed: ${error}`));
            }, 3000);
            timer.unref();
          });
          rootLifecycle.addShutdownHook(() => clearInterval(timer));
        }
      },
    });
  },
});
