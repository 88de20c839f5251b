import { coreServices, createBackendPlugin, resolvePackagePath } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { exceldnaPermissions } from '@stacktalk/plugin-exceldna-common';
import { ciGitHubServiceRef } from '@stacktalk/plugin-ci-status-node';
import { BuildStore } from './service/BuildStore';
import { readExceldnaConfig } from './service/config';
import { ExceldnaService } from './service/ExceldnaService';
import { GitHubBuilds } from './service/GitHubBuilds';
import { GitHubSyncTask } from './service/GitHubSyncTask';
import { createRouter } from './service/router';
import { UploadQuota } from './service/UploadQuota';

/** Excel-DNA add-in builds of catalog components: /api/exceldna. */
export const exceldnaPlugin = createBackendPlugin({
  pluginId: 'exceldna',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        github: ciGitHubServiceRef,
      },
      async init({ config, logger, auth, httpAuth, httpRouter, database, permissions, permissionsRegistry, scheduler, catalog, github }) {
        permissionsRegistry.addPermissions(exceldnaPermissions);
        const c = readExceldnaConfig(config);
        const db = await database.getClient();
        if (!database.migrations?.skip) {
          await db.migrate.latest({ directory: resolvePackagePath('@stacktalk/plugin-exceldna-backend', 'migrations') });
        }
        const store = new BuildStore(db, c.trustedRoots);
        const builds = new GitHubBuilds({ github, store, config: c, logger });
        const sync = new GitHubSyncTask({ db, catalog, auth, github: builds, scheduler, logger, schedule: c.githubSync });
        await sync.schedule();
        const service = new ExceldnaService({ catalog, auth, permissions, store, github: sync, config: c, logger });
        const quota = new UploadQuota(db, c.uploadsPerTokenPerHour);
        httpRouter.use(await createRouter({ httpAuth, service, uploadMaxBytes: c.uploadMaxBytes, quota }));
      },
    });
  },
});
