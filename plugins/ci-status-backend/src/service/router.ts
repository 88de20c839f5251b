import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { CiStatusService } from './CiStatusService';
import type { CiHealth } from './CiHealth';
import type { WebhookReceiver } from './WebhookReceiver';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  service: CiStatusService;
  health: CiHealth;
  webhooks: WebhookReceiver;
}

const ENTITY = '/entities/:kind/:namespace/:name';
const RUN = `${ENTITY}/runs/:runId`;

const entityRefOf = (req: express.Request) => `${req.params.kind}:${req.params.namespace}/${req.params.name}`;

const id = (value: string, what: string) => {
  if (!/^[1-9]\d{0,15}$/.test(value)) throw new InputError(`${what} must be a positive integer`);
  return Number(value);
};

const filtersSchema = z
  .object({
    workflow: z.string().regex(/^[A-Za-z0-9._ -]{1,100}$/).optional(),
    branch: z.string().min(1).max(255).optional(),
    status: z.enum(['queued', 'in_progress', 'completed', 'success', 'failure', 'cancelled', 'skipped', 'timed_out', 'action_required', 'neutral']).optional(),
  })
  .strict();
const rerunSchema = z.object({ failedOnly: z.boolean().default(false) }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${result.error.issues.map(issue => `${issue.path.join('.') || what} ${issue.message}`).join('; ')}`);
  }
  return result.data;
}

/** HTTP → CiStatusService. Every route but the webhook authenticates a user; the service authorizes. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, service, health, webhooks } = options;
  const router = Router();
  const user = (req: express.Request) => httpAuth.credentials(req, { allow: ['user'] });

  // The signature is over the raw bytes: this route reads them before any JSON parser.
  router.post('/webhook', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
    const outcome = await webhooks.receive({
      event: req.get('x-github-event'),
      deliveryId: req.get('x-github-delivery'),
      signature: req.get('x-hub-signature-256'),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    });
    res.status(outcome === 'ignored' ? 202 : 200).json({ outcome });
  });

  router.use(express.json({ limit: '16kb' }));

  router.get(`${ENTITY}/runs`, async (req, res) => {
    const filters = parse(filtersSchema, req.query, 'filters');
    res.json(await service.runs(entityRefOf(req), filters, await user(req)));
  });

  router.get(`${ENTITY}/summary`, async (req, res) => {
    res.json(await service.summary(entityRefOf(req), await user(req)));
  });

  router.get(RUN, async (req, res) => {
    res.json(await service.runDetail(entityRefOf(req), id(req.params.runId, 'runId'), await user(req)));
  });

  router.get(`${RUN}/jobs/:jobId/log`, async (req, res) => {
    const runId = id(req.params.runId, 'runId');
    res.json(await service.jobLog(entityRefOf(req), runId, id(req.params.jobId, 'jobId'), await user(req)));
  });

  router.post(`${RUN}/rerun`, async (req, res) => {
    const credentials = await user(req);
    const { failedOnly } = parse(rerunSchema, req.body ?? {}, 'body');
    await service.rerun(entityRefOf(req), id(req.params.runId, 'runId'), failedOnly, credentials, req);
    res.status(202).json({ status: 'queued' });
  });

  router.get('/health', async (req, res) => {
    res.json(await health.report(await user(req)));
  });

  return router;
}
