import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import os from 'node:os';
import { reportsPermissions } from '@stacktalk/plugin-reports-common';
import { reportsSectionsExtensionPoint, type ReportSection } from '@stacktalk/plugin-reports-node';
import { BUILTIN_SECTIONS } from './templates/builtinSections';
import { createTemplates } from './templates/ReportTemplates';
import { BrowserPool, detectChromium } from './service/BrowserPool';
import { PdfRenderer } from './service/PdfRenderer';
import { ReportQueue } from './service/ReportQueue';
import { ReportWorker } from './service/ReportWorker';
import { ReportSchedules } from './service/ReportSchedules';
import { createRouter } from './service/router';

/** PDF reports of catalog entities: /api/reports. */
export const reportsPlugin = createBackendPlugin({
  pluginId: 'reports',
  register(env) {
    const sections: ReportSection[] = [...BUILTIN_SECTIONS];
    env.registerExtensionPoint(reportsSectionsExtensionPoint, {
      addSection: (...more) => sections.push(...more),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        discovery: coreServices.discovery,
      },
      async init({ config, logger, auth, httpAuth, httpRouter, database, scheduler, lifecycle, permissions, permissionsRegistry, catalog, discovery }) {
        permissionsRegistry.addPermissions(reportsPermissions);
        const configuredPath = config.getOptionalString('reports.chromium.executablePath');
        const executablePath = detectChromium(configuredPath);
        const chromiumMissing = executablePath
          ? undefined
          : `Chromium was not found${configuredPath ? ` at ${configuredPath} (reports.chromium.executablePath)` : ''}: install it with "sudo apt-get install -y chromium" and restart the portal`;
        if (chromiumMissing) logger.warn(chromiumMissing);

        const concurrency = config.getOptionalNumber('reports.concurrency') ?? os.cpus().length;
        const pool = new BrowserPool({
          executablePath: executablePath ?? '/usr/bin/chromium',
          concurrency,
          restartAfter: config.getOptionalNumber('reports.chromium.restartAfterRenders') ?? 200,
          logger,
        });
        const renderer = new PdfRenderer(pool);
        const queue = await ReportQueue.create({
          knex: await database.getClient(),
          migrationsDirectory: resolvePackagePath('@stacktalk/plugin-reports-backend', 'migrations'),
          maxQueued: config.getOptionalNumber('reports.queue.maxQueued') ?? 100,
          directory: config.getOptionalString('reports.storage.directory'),
        });
        const templates = createTemplates(() => sections, entity => async path => {
          // The published site, read through the TechDocs backend (whatever its publisher).
          const base = await discovery.getBaseUrl('techdocs');
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'techdocs' });
          const { kind, metadata } = entity;
          const url = `${base}/static/docs/${encodeURIComponent(metadata.namespace ?? 'default')}/${encodeURIComponent(kind.toLowerCase())}/${encodeURIComponent(metadata.name)}/${path.split('/').map(encodeURIComponent).join('/')}`;
          const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, redirect: 'error' });
          if (response.status === 404) return undefined;
          if (!response.ok) throw new Error(`TechDocs answered ${response.status} for ${path}`);
          return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
        });
        const worker = new ReportWorker({
          queue,
          renderer,
          templates,
          logger,
          concurrency,
          timeoutMs: (config.getOptionalNumber('reports.renderTimeoutSeconds') ?? 120) * 1000,
          maxAttempts: config.getOptionalNumber('reports.queue.maxAttempts') ?? 3,
          async context(entityRef) {
            const credentials = await auth.getOwnServiceCredentials();
            const entity = await catalog.getEntityByRef(entityRef, { credentials });
            if (!entity) return undefined;
            return { entity, credentials, getEntity: ref => catalog.getEntityByRef(ref, { credentials }) };
          },
        });
        if (!chromiumMissing) await worker.start();
        lifecycle.addShutdownHook(async () => {
          await worker.stop();
          await pool.close();
        });

        const retentionDays = config.getOptionalNumber('reports.retentionDays') ?? 90;
        await scheduler.scheduleTask({
          id: 'reports-retention',
          ...(config.has('reports.retentionSchedule')
            ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config.getConfig('reports.retentionSchedule'))
            : { frequency: { hours: 6 }, timeout: { minutes: 10 }, initialDelay: { minutes: 1 } }),
          fn: async () => {
            const removed = await queue.deleteOlderThan(retentionDays);
            if (removed) logger.info(`Deleted ${removed} report(s) older than ${retentionDays} days`);
          },
        });

        const schedules = new ReportSchedules(await database.getClient());
        await scheduler.scheduleTask({
          id: 'reports-schedules',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          fn: async () => {
            for (const schedule of await schedules.claimDue()) {
              try {
                const job = await queue.enqueue({ ...schedule, createdBy: `${schedule.createdBy} (schedule ${schedule.cron})` }, concurrency);
                await schedules.recordJob(schedule.id, job.id);
                worker.wake();
              } catch (error) {
                logger.warn(`Scheduled report ${schedule.id} of ${schedule.entityRef} was not queued: ${(error as Error).message}`);
              }
            }
          },
        });

        httpRouter.use(await createRouter({ httpAuth, permissions, catalog, queue, worker, schedules, templates, concurrency, chromiumMissing }));
      },
    });
  },
});
