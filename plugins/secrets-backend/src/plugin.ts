import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { parseSecretScopeRef, secretsPermissions } from '@stacktalk/plugin-secrets-common';
import { EnvelopeCipher } from './service/EnvelopeCipher';
import { SecretStore } from './service/SecretStore';
import { ScopeAuthorizer } from './service/ScopeAuthorizer';
import { SecretsService } from './service/SecretsService';
import { Rewrapper } from './service/Rewrapper';
import { createRouter } from './service/router';
import { loadKeyRing, readMachineGrants, readSecretsEnvironments, readTrustedProxies } from './service/config';
import { ClientAddress } from './service/ClientAddress';
import { secretScopeResourceRef, secretScopeRules } from '@stacktalk/plugin-secrets-node';

/** Per-entity, per-environment secrets: /api/secrets. */
export const secretsPlugin = createBackendPlugin({
  pluginId: 'secrets',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({ config, logger, auth, httpAuth, httpRouter, database, scheduler, permissions, permissionsRegistry, catalog }) {
        const environments = readSecretsEnvironments(config);
        const ring = loadKeyRing(config, logger);
        const store = await SecretStore.create({
          knex: await database.getClient(),
          cipher: new EnvelopeCipher(ring.keys, ring.activeKeyId),
          migrationsDirectory: resolvePackagePath('@stacktalk/plugin-secrets-backend', 'migrations'),
        });
        const authorizer = new ScopeAuthorizer({ permissions, catalog, auth });
        permissionsRegistry.addPermissions(secretsPermissions);
        permissionsRegistry.addResourceType({
          resourceRef: secretScopeResourceRef,
          rules: Object.values(secretScopeRules),
          getResources: refs => authorizer.scopes(refs.map(r => parseSecretScopeRef(r) ?? { entityRef: '', environment: '' })),
        });
        authorizer.useRuleset(permissionsRegistry.getPermissionRuleset(secretScopeResourceRef));

        const rewrapper = new Rewrapper(store, logger);
        const schedule = config.has('secrets.rewrap.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('secrets.rewrap.schedule'))
          : { frequency: { minutes: 10 }, timeout: { hours: 1 }, initialDelay: { seconds: 30 } };
        await scheduler.scheduleTask({
          id: 'secrets-rewrap',
          ...schedule,
          fn: async () => {
            // Counted by the two-replica test (scripts/two-replicas): one start per run across replicas.
            logger.info('Scheduled task secrets-rewrap: run started');
            await rewrapper.run('system:rewrap-schedule', 'scheduler');
          },
        });

        const service = new SecretsService(store, authorizer, environments, readMachineGrants(config));
        const clientAddress = new ClientAddress(readTrustedProxies(config));
        httpRouter.use(await createRouter({ httpAuth, permissions, service, store, rewrapper, environments, clientAddress }));
      },
    });
  },
});
