import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import os from 'node:os';
import { reportsPermissions, type ReportJob } from '@stacktalk/plugin-reports-common';
import { reportsSectionsExtensionPoint, type ReportSection } from '@stacktalk/plugin-reports-node';
import { BUILTIN_SECTIONS } from './templates/builtinSections';
import { createTemplates } from './templates/ReportTemplates';
import { BrowserPool } from './service/BrowserPool';
import { chromiumKind, detectChromium, fullChromiumWarning } from './service/chromiumArgs';
import { PdfRenderer } from './service/PdfRenderer';
import { ReportQueue } from './service/ReportQueue';
import { RequesterCredentials } from './service/RequesterCredentials';
import { ReportWorker } from './service/ReportWorker';
import { ReportSchedules } from './service/ReportSchedules';
import { createRouter } from './service/router';
import { createTechDocsReader } from './templates/techdocsReader';

/** Why a job has no requester's credentials, for the lines that say what was left out. */
function whyRequesterAway(job: ReportJob) {
  if (job.scheduleId) return `this report was made by a schedule while ${job.createdBy} was away`;
  return `${job.createdBy} was no longer signed in to this portal instance when the report was rendered (it waited, was retried, or the portal restarted)`;
}

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
          : `Chromium was not found${configuredPath ? ` at ${configuredPath} (reports.chromium.executablePath)` : ''}: install it with "sudo apt-get install -y chromium-headless-shell" and restart the portal`;
        if (chromiumMissing) logger.warn(chromiumMissing);
        else if (chromiumKind(executablePath!) === 'full') logger.warn(fullChromiumWarning(executablePath!));
        else logger.info(`Reports render with ${executablePath}`);

        const concurrency = config.getOptionalNumber('reports.concurrency') ?? os.cpus().length;
        const pool = new BrowserPool({
          executablePath: executablePath ?? '/usr/lib/chromium/chromium-headless-shell',
          concurrency,
          restartAfter: config.getOptionalNumber('reports.chromium.restartAfterRenders') ?? 200,
          logger,
        });
        const renderer = new PdfRenderer(pool);
        const limits = config.getOptionalConfig('reports.limits');
        const queue = await ReportQueue.create({
          knex: await database.getClient(),
          migrationsDirectory: resolvePackagePath('@stacktalk/plugin-reports-backend', 'migrations'),
          maxQueued: config.getOptionalNumber('reports.queue.maxQueued') ?? 100,
          maxQueuedPerUser: limits?.getOptionalNumber('maxQueuedPerUser') ?? 5,
          directory: config.getOptionalString('reports.storage.directory'),
          leaseMs: (config.getOptionalNumber('reports.queue.leaseSeconds') ?? 30) * 1000,
        });
        const templates = createTemplates(() => sections, {
          techdocs: createTechDocsReader({ discovery, auth }),
          maxTechDocsPages: limits?.getOptionalNumber('maxTechDocsPages') ?? 300,
        });
        const worker = new ReportWorker({
          queue,
          renderer,
          templates,
          logger,
          concurrency,
          timeoutMs: (config.getOptionalNumber('reports.renderTimeoutSeconds') ?? 120) * 1000,
          jobTimeoutMs: (limits?.getOptionalNumber('jobTimeoutSeconds') ?? 300) * 1000,
          maxPdfBytes: (limits?.getOptionalNumber('maxPdfMegabytes') ?? 50) * 1024 * 1024,
          maxAttempts: config.getOptionalNumber('reports.queue.maxAttempts') ?? 3,
          requesters: new RequesterCredentials((config.getOptionalNumber('reports.requesterHoldSeconds') ?? 600) * 1000),
          // On behalf of the requester when their credentials are at hand; otherwise the
          // catalog and TechDocs (which every signed-in employee may read) as the plugin, and
          // other plugins' sections left out (README, "Security").
          async context(job, requester, signal) {
            const credentials = requester ?? (await auth.getOwnServiceCredentials());
            const entity = await catalog.getEntityByRef(job.entityRef, { credentials });
            if (!entity) return undefined;
            const requesterAway = requester ? undefined : whyRequesterAway(job);
            return { entity, credentials, signal, getEntity: ref => catalog.getEntityByRef(ref, { credentials }), ...(requesterAway ? { requesterAway } : {}) };
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
            logger.info('Scheduled task reports-retention: run started');
            const removed = await queue.deleteOlderThan(retentionDays);
            if (removed) logger.info(`Deleted ${removed} report(s) older than ${retentionDays} days`);
          },
        });

        const schedules = new ReportSchedules(await database.getClient(), {
          maxPerUser: limits?.getOptionalNumber('maxSchedulesPerUser') ?? 10,
          minIntervalMinutes: limits?.getOptionalNumber('minScheduleIntervalMinutes') ?? 60,
        });
        await scheduler.scheduleTask({
          id: 'reports-schedules',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          fn: async () => {
            // Counted by the two-replica test (scripts/two-replicas): one start per run across replicas.
            logger.info('Scheduled task reports-schedules: run started');
            for (const schedule of await schedules.claimDue()) {
              try {
                const { entityRef, template, format, createdBy } = schedule;
                const job = await queue.enqueue({ entityRef, template, format, createdBy, scheduleId: schedule.id }, concurrency);
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
