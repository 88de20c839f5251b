import type { HttpAuthService, PermissionsService, BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { AuthorizeResult, type ResourcePermission } from '@backstage/plugin-permission-common';
import {
  reportsAdminPermission,
  reportsCreatePermission,
  reportsDeletePermission,
  reportsReadPermission,
  type PaperFormat,
} from '@stacktalk/plugin-reports-common';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
import type { ReportTemplate } from '../templates/ReportTemplates';
import { templateRefusal } from '../templates/ReportTemplates';
import { QuotaError } from './quota';
import type { ReportQueue } from './ReportQueue';
import type { ReportWorker } from './ReportWorker';
import type { ReportSchedules } from './ReportSchedules';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  queue: ReportQueue;
  worker: ReportWorker;
  schedules: ReportSchedules;
  templates: Map<string, ReportTemplate>;
  concurrency: number;
  /** Set when Chromium is missing: every render route says so and how to install it. */
  chromiumMissing?: string;
}

const FORMATS: PaperFormat[] = ['A4', 'Letter'];
/** Recent reports across entities: the newest RECENT_SCAN are checked, RECENT_SHOWN of the readable ones returned. */
const RECENT_SCAN = 200;
const RECENT_SHOWN = 50;

/** Backstage's error body with 429 (no Backstage error class answers it): clients show the reason. */
function tooManyRequests(req: express.Request, res: express.Response, error: QuotaError) {
  res.set('Retry-After', String(error.retryAfterSeconds));
  res.status(429).json({ error: { name: error.name, message: error.message }, request: { method: req.method, url: req.originalUrl }, response: { statusCode: 429 }, retryAfter: error.retryAfterSeconds });
}

/**
 * HTTP → report queue. Every route authenticates; every action is authorized on the entity;
 * a report or schedule is seen and deleted only by its creator and by `reports.admin`.
 */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, queue, worker, schedules, templates, concurrency } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  async function entityFor(ref: unknown, credentials: BackstageCredentials): Promise<Entity> {
    if (typeof ref !== 'string' || !ref) throw new InputError('entityRef is required, e.g. component:default/stacktalk-report-service');
    let canonical: string;
    try {
      canonical = stringifyEntityRef(parseEntityRef(ref));
    } catch (e) {
      throw new InputError(`entityRef "${ref.slice(0, 100)}" is not an entity ref: ${(e as Error).message}`);
    }
    const entity = await catalog.getEntityByRef(canonical, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${canonical} in the catalog`);
    return entity;
  }

  async function authorize(permission: ResourcePermission<'catalog-entity'>, entityRef: string, credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize([{ permission, resourceRef: entityRef }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not ${permission.attributes.action} reports of ${entityRef}`);
    }
  }

  /** Whether the caller may see and delete everyone's reports and schedules. */
  async function isAdmin(credentials: BackstageCredentials) {
    const [decision] = await permissions.authorize([{ permission: reportsAdminPermission }], { credentials });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The caller's user ref when lists must hold only their own reports and schedules; undefined for admins. */
  async function ownOnly(credentials: BackstageCredentials<any>): Promise<string | undefined> {
    return (await isAdmin(credentials)) ? undefined : credentials.principal.userEntityRef;
  }

  /** Refuses anyone but the creator of a report or schedule, and admins. */
  async function requireOwner(what: string, createdBy: string, action: string, credentials: BackstageCredentials<any>) {
    if (createdBy === credentials.principal.userEntityRef || (await isAdmin(credentials))) return;
    throw new NotAllowedError(`${what} belongs to ${createdBy}: only its creator or a reports admin may ${action} it`);
  }

  router.get('/templates', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entity = req.query.entityRef ? await entityFor(req.query.entityRef, credentials) : undefined;
    res.json({
      templates: [...templates.values()]
        .filter(t => !entity || !templateRefusal(t, entity))
        .map(({ id, title, description, kinds }) => ({ id, title, description, kinds })),
      chromium: options.chromiumMissing ? { available: false, message: options.chromiumMissing } : { available: true },
    });
  });

  /** Entity, template and paper of a report request, checked in that order (404 / 400). */
  async function reportRequest(body: any, credentials: BackstageCredentials<any>) {
    const entity = await entityFor(body?.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorize(reportsCreatePermission, entityRef, credentials);
    const template = templates.get(String(body?.template ?? ''));
    if (!template) throw new NotFoundError(`No report template "${String(body?.template ?? '').slice(0, 60)}"; available: ${[...templates.keys()].join(', ')}`);
    const refusal = templateRefusal(template, entity);
    if (refusal) throw new InputError(refusal);
    const format = (body?.format ?? 'A4') as PaperFormat;
    if (!FORMATS.includes(format)) throw new InputError(`format must be one of ${FORMATS.join(', ')}`);
    return { entityRef, template: template.id, format };
  }

  router.post('/reports', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = await reportRequest(req.body, credentials);
    if (options.chromiumMissing) throw new ServiceUnavailableError(options.chromiumMissing);
    // The requester's credentials wait in memory for the job (it is rendered on their behalf);
    // held before it is queued, so no worker can take it first.
    const id = randomUUID();
    const heldUntil = worker.requesters.hold(id, credentials);
    try {
      const job = await queue.enqueue({ ...request, id, heldUntil, createdBy: credentials.principal.userEntityRef }, concurrency);
      worker.wake();
      res.status(202).json(job);
    } catch (error) {
      worker.requesters.take(id);
      if (!(error instanceof QuotaError)) throw error;
      tooManyRequests(req, res, error);
    }
  });

  router.post('/schedules', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const request = await reportRequest(req.body, credentials);
    try {
      res.status(201).json(await schedules.create({ ...request, cron: req.body?.cron, createdBy: credentials.principal.userEntityRef }));
    } catch (error) {
      if (!(error instanceof QuotaError)) throw error;
      tooManyRequests(req, res, error);
    }
  });

  router.get('/schedules', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = stringifyEntityRef(await entityFor(req.query.entityRef, credentials));
    await authorize(reportsReadPermission, entityRef, credentials);
    res.json({ schedules: await schedules.list(entityRef, await ownOnly(credentials)) });
  });

  router.delete('/schedules/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const schedule = await schedules.get(req.params.id);
    await authorize(reportsDeletePermission, schedule.entityRef, credentials);
    await requireOwner(`Schedule ${schedule.id}`, schedule.createdBy, 'delete', credentials);
    await schedules.remove(schedule.id);
    res.status(204).end();
  });

  router.get('/reports', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    if (req.query.entityRef === undefined) {
      // The caller's newest reports (an admin's: everyone's) of every entity whose reports they may read (one decision per entity).
      const recent = await queue.list(undefined, RECENT_SCAN, await ownOnly(credentials));
      const refs = [...new Set(recent.map(j => j.entityRef))];
      const decisions = refs.length ? await permissions.authorize(refs.map(resourceRef => ({ permission: reportsReadPermission, resourceRef })), { credentials }) : [];
      const readable = new Set(refs.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW));
      res.json({ reports: recent.filter(j => readable.has(j.entityRef)).slice(0, RECENT_SHOWN) });
      return;
    }
    const entity = await entityFor(req.query.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorize(reportsReadPermission, entityRef, credentials);
    res.json({ reports: await queue.list(entityRef, undefined, await ownOnly(credentials)) });
  });

  /** The job, after checking the caller may `permission` on its entity and made it (or is an admin). */
  async function jobFor(req: express.Request, permission: ResourcePermission<'catalog-entity'>) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const job = await queue.get(req.params.id);
    await authorize(permission, job.entityRef, credentials);
    await requireOwner(`Report ${job.id}`, job.createdBy, permission === reportsDeletePermission ? 'delete' : 'see', credentials);
    return job;
  }

  router.get('/reports/:id', async (req, res) => {
    res.json(await jobFor(req, reportsReadPermission));
  });

  router.get('/reports/:id/pdf', async (req, res) => {
    const job = await jobFor(req, reportsReadPermission);
    if (job.status !== 'done') throw new NotFoundError(`Report ${job.id} is ${job.status}${job.error ? `: ${job.error}` : ''}`);
    const pdf = await queue.file(job.id, 'pdf');
    const name = `${parseEntityRef(job.entityRef).name}-${job.template}-${job.createdAt.slice(0, 10)}.pdf`;
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="${name}"`);
    res.set('Content-Length', String(pdf.length));
    res.end(pdf);
  });

  router.get('/reports/:id/preview', async (req, res) => {
    const job = await jobFor(req, reportsReadPermission);
    res.set('Content-Type', 'image/png');
    res.set('Cache-Control', 'private, max-age=3600');
    res.end(await queue.file(job.id, 'preview'));
  });

  router.delete('/reports/:id', async (req, res) => {
    const job = await jobFor(req, reportsDeletePermission);
    worker.requesters.take(job.id); // a queued job's requester credentials go with it
    await queue.remove(job.id);
    res.status(204).end();
  });

  return router;
}
