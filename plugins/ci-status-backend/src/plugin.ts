import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ciStatusPermissions } from '@stacktalk/plugin-ci-status-common';
import { ciGitHubServiceRef } from '@stacktalk/plugin-ci-status-node';
import { CiHealth } from './service/CiHealth';
import { CiNotifier } from './service/CiNotifier';
import { CiStatusService } from './service/CiStatusService';
import { readCiStatusConfig } from './service/config';
import { createRouter } from './service/router';
import { WebhookReceiver } from './service/WebhookReceiver';

/** CI status of catalog components from GitHub Actions: /api/ci-status. */
export const ciStatusPlugin = createBackendPlugin({
  pluginId: 'ci-status',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        github: ciGitHubServiceRef,
      },
      async init({ config, logger, httpAuth, httpRouter, permissions, permissionsRegistry, auditor, catalog, signals, github }) {
        const ciConfig = readCiStatusConfig(config);
        permissionsRegistry.addPermissions(ciStatusPermissions);
        const notifier = new CiNotifier(signals);
        const service = new CiStatusService({ github, catalog, permissions, auditor, notifier, logger, config: ciConfig });
        const health = new CiHealth({ catalog, permissions, service, logger, maxComponents: ciConfig.healthMaxComponents });
        const webhooks = new WebhookReceiver({ secret: ciConfig.webhookSecret, host: ciConfig.webhookHost, github, notifier, logger });
        if (!ciConfig.webhookSecret) logger.warn('ciStatus.webhook.secret is not set: CI webhooks are refused, pages refresh every interval');
        // GitHub calls the webhook without a Backstage token; the signature authenticates it.
        httpRouter.addAuthPolicy({ path: '/webhook', allow: 'unauthenticated' });
        httpRouter.use(await createRouter({ httpAuth, service, health, webhooks }));
      },
    });
  },
});
