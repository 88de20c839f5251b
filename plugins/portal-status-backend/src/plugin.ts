import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { FeatureProbe } from './service/FeatureProbe';
import { createRouter } from './service/router';
import { portalStatusReadPermission } from './permissions';

/** Serves /api/portal-status/features: which optional features this installation can run. */
export const portalStatusPlugin = createBackendPlugin({
  pluginId: 'portal-status',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ config, logger, httpAuth, httpRouter, permissions, permissionsRegistry }) {
        permissionsRegistry.addPermissions([portalStatusReadPermission]);
        const probe = new FeatureProbe({
          mkdocs: config.getOptionalString('portalStatus.probes.mkdocs'),
          chromium: config.getOptionalString('portalStatus.probes.chromium'),
        });
        for (const feature of probe.check().filter(f => !f.available)) {
          logger.warn(`${feature.title} unavailable (needs ${feature.requires}); install with: ${feature.install}`);
        }
        httpRouter.use(await createRouter({ httpAuth, permissions, probe }));
      },
    });
  },
});
