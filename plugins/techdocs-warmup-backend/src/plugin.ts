import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { TechDocsWarmer } from './TechDocsWarmer';

/**
 * Builds TechDocs ahead of the first reader so that documentation search covers every site.
 * Runs every couple of minutes: a site that is already up to date costs one quick request, and
 * entities the catalog has only just discovered are picked up soon after start.
 */
export const techdocsWarmupPlugin = createBackendPlugin({
  pluginId: 'techdocs-warmup',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
      },
      async init({ config, auth, discovery, logger, scheduler, catalog }) {
        if (config.getOptionalBoolean('techdocsWarmup.enabled') === false) return;
        const schedule = config.has('techdocsWarmup.schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('techdocsWarmup.schedule'))
          : { frequency: { minutes: 2 }, timeout: { minutes: 15 }, initialDelay: { seconds: 10 } };
        const warmer = new TechDocsWarmer({ auth, catalog, discovery, logger });
        await scheduler.scheduleTask({
          id: 'techdocs-warmup',
          ...schedule,
          fn: async () => {
            // Counted by the two-replica test (scripts/two-replicas): one start per run across replicas.
            logger.info('Scheduled task techdocs-warmup: run started');
            await warmer.run();
          },
        });
      },
    });
  },
});
