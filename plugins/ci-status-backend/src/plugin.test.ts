/**
 * The CI status routes through a real backend (startTestBackend) against the fixture GitHub API
 * server (examples/fixtures/github-api, on a free port). Permissions here are a stand-in that
 * allows reading to everyone and re-running to `user:default/owner` only; the portal policy's own
 * decisions are tested in plugins/permission-backend-module-stacktalk-policy.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef, type SignalPayload } from '@backstage/plugin-signals-node';
import { ciRunRerunPermission } from '@stacktalk/plugin-ci-status-common';
import { startGitHubFixture, type GitHubFixture } from '@stacktalk/plugin-ci-status-node/testUtils';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { ciStatusPlugin } from './plugin';

const SECRET = 'a webhook secret for tests';
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const component = (name: string, annotations: Record<string, string>, owner = 'group:default/promptpulse'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
});
const ENTITIES = [
  component('promptpulse-api', { 'github.com/project-slug': 'stacktalk/promptpulse', 'stacktalk.io/ci-workflows': 'api.yml' }),
  component('promptpulse-web', { 'github.com/project-slug': 'stacktalk/promptpulse', 'stacktalk.io/ci-workflows': 'web.yml' }),
  component('pdf-renderer', { 'github.com/project-slug': 'stacktalk/stacktalk-pdf-renderer' }, 'reports'),
  component('no-ci', {}),
];
const API = '/api/ci-status/entities/component/default/promptpulse-api';
const owner = mockCredentials.user.header('user:default/owner');
const stranger = mockCredentials.user.header('user:default/stranger');

let fixture: GitHubFixture;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
const signals: SignalPayload[] = [];
const audit = { success: jest.fn(), fail: jest.fn() };
const auditor = mockServices.auditor.mock({ createEvent: jest.fn(async () => audit) });

beforeAll(async () => {
  fixture = await startGitHubFixture();
  backend = await startTestBackend({
    features: [
      ciStatusPlugin,
      mockServices.rootConfig.factory({
        data: {
          integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] },
          ciStatus: { webhook: { secret: SECRET }, github: { refreshIntervalSeconds: 60 } },
        },
      }),
      catalogServiceMock.factory({ entities: ENTITIES }),
      createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => ({ publish: async (s: SignalPayload) => void signals.push(s) }) }),
      auditor.factory,
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(r => ({
            result:
              r.permission.name !== ciRunRerunPermission.name ||
              (credentials.principal as { userEntityRef?: string }).userEntityRef === 'user:default/owner'
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })) as any,
      }).factory,
    ],
  });
});
afterAll(async () => {
  await backend?.stop();
  await fixture?.close();
});

describe('CI status routes', () => {
  it("lists the runs of the entity's workflows only, with filters", async () => {
    const res = await request(backend.server).get(`${API}/runs`).set('authorization', stranger);
    expect(res.status).toBe(200);
    expect(res.body.runs.length).toBeGreaterThan(3);
    expect(res.body.workflows).toEqual(['api.yml']);
    expect(res.body.runs[0]).toMatchObject({ workflow: 'API', workflowFile: 'api.yml', url: expect.stringContaining('/actions/runs/') });
    const failed = await request(backend.server).get(`${API}/runs?status=failure&branch=main`).set('authorization', stranger);
    expect(failed.body.runs.every((r: any) => r.conclusion === 'failure' && r.branch === 'main')).toBe(true);
  });

  it('refuses bad input with 400s and unknown entities with 404', async () => {
    const bad = await request(backend.server).get(`${API}/runs?status=nonsense`).set('authorization', stranger);
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    expect((await request(backend.server).get(`${API}/runs/abc`).set('authorization', stranger)).status).toBe(400);
    expect((await request(backend.server).get(`${API}/runs?extra=1`).set('authorization', stranger)).status).toBe(400);
    expect((await request(backend.server).get('/api/ci-status/entities/component/default/nope/runs').set('authorization', stranger)).status).toBe(404);
    expect((await request(backend.server).get(`${API}/runs`).set('authorization', 'Bearer not-a-token')).status).toBe(401);
  });

  it('explains an entity without the annotation', async () => {
    const res = await request(backend.server).get('/api/ci-status/entities/component/default/no-ci/runs').set('authorization', stranger);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('github.com/project-slug');
  });

  it("shows a run's jobs and a job's log tail with failing lines marked; another workflow's run is a 404", async () => {
    const runs = (await request(backend.server).get(`${API}/runs?status=failure`).set('authorization', stranger)).body.runs;
    const detail = await request(backend.server).get(`${API}/runs/${runs[0].id}`).set('authorization', stranger);
    expect(detail.status).toBe(200);
    const failedJob = detail.body.jobs.find((j: any) => j.conclusion === 'failure');
    expect(failedJob.steps.length).toBeGreaterThan(0);
    const log = await request(backend.server).get(`${API}/runs/${runs[0].id}/jobs/${failedJob.id}/log`).set('authorization', stranger);
    expect(log.status).toBe(200);
    expect(log.body.lines.filter((l: any) => l.failing).map((l: any) => l.text)).toContain('##[error]Process completed with exit code 1.');
    expect(log.body.url).toContain(`/job/${failedJob.id}`);
    const webRuns = (await request(backend.server).get('/api/ci-status/entities/component/default/promptpulse-web/runs').set('authorization', stranger)).body.runs;
    expect((await request(backend.server).get(`${API}/runs/${webRuns[0].id}`).set('authorization', stranger)).status).toBe(404);
  });

  it('re-runs only for people allowed ci.run.rerun, audited either way', async () => {
    const runs = (await request(backend.server).get(`${API}/runs?status=completed`).set('authorization', stranger)).body.runs;
    const denied = await request(backend.server).post(`${API}/runs/${runs[0].id}/rerun`).set('authorization', stranger).send({ failedOnly: false });
    expect(denied.status).toBe(403);
    expect(audit.fail).toHaveBeenCalledTimes(1);
    expect((await fixture.stats()).byRoute.rerun).toBeUndefined();
    const allowed = await request(backend.server).post(`${API}/runs/${runs[0].id}/rerun`).set('authorization', owner).send({ failedOnly: false });
    expect(allowed.status).toBe(202);
    expect(audit.success).toHaveBeenCalledTimes(1);
    expect((await fixture.stats()).byRoute.rerun).toBe(1);
    const after = await request(backend.server).get(`${API}/runs/${runs[0].id}`).set('authorization', stranger);
    expect(after.body.run).toMatchObject({ status: 'queued', attempt: 2 });
    expect((await request(backend.server).post(`${API}/runs/${runs[0].id}/rerun`).set('authorization', owner).send({ failedOnly: 'yes' })).status).toBe(400);
  });

  it('summarizes the default branch for the card', async () => {
    const res = await request(backend.server).get(`${API}/summary`).set('authorization', stranger);
    expect(res.status).toBe(200);
    expect(res.body.branches[0].branch).toBe('main');
    expect(res.body.history.length).toBeGreaterThan(0);
    expect(res.body.successRate).toBeGreaterThanOrEqual(0);
  });

  it('groups the CI health of every annotated component by owner, failing first', async () => {
    const res = await request(backend.server).get('/api/ci-status/health').set('authorization', stranger);
    expect(res.status).toBe(200);
    const entries = res.body.groups.flatMap((g: any) => g.entries);
    expect(entries.map((e: any) => e.entityRef).sort()).toEqual([
      'component:default/pdf-renderer',
      'component:default/promptpulse-api',
      'component:default/promptpulse-web',
    ]);
    expect(res.body.groups.map((g: any) => g.owner).sort()).toEqual(['group:default/promptpulse', 'group:default/reports']);
    // The fixture's stacktalk-pdf-renderer fails on main.
    expect(entries.find((e: any) => e.entityRef === 'component:default/pdf-renderer').state).toBe('failing');
  });
});

describe('CI webhook', () => {
  async function failingRunDelivery() {
    const runs = (await request(backend.server).get(`${API}/runs?status=success`).set('authorization', stranger)).body.runs;
    const run = await fixture.setRun('stacktalk/promptpulse', runs[0].id, { status: 'completed', conclusion: 'failure' });
    const body = JSON.stringify({ action: 'completed', workflow_run: run, repository: { full_name: 'stacktalk/promptpulse' } });
    return { id: runs[0].id as number, body };
  }
  const post = (body: string, signature?: string, event = 'workflow_run') => {
    const req = request(backend.server).post('/api/ci-status/webhook').set('x-github-event', event).set('content-type', 'application/json');
    return (signature ? req.set('x-hub-signature-256', signature) : req).send(body);
  };
  const conclusionOf = async (id: number) =>
    (await request(backend.server).get(`${API}/runs`).set('authorization', stranger)).body.runs.find((r: any) => r.id === id)?.conclusion;

  it('refuses a missing or invalid signature with 401 and changes nothing', async () => {
    const { id, body } = await failingRunDelivery();
    signals.length = 0;
    expect((await post(body)).status).toBe(401);
    expect((await post(body, sign(body, 'another secret'))).status).toBe(401);
    expect((await post(body, sign(`${body} `))).status).toBe(401);
    expect((await post(body, 'sha256=zz')).status).toBe(401);
    expect(await conclusionOf(id)).toBe('success');
    expect(signals).toHaveLength(0);
  });

  it('applies a validly signed workflow_run at once and signals browsers', async () => {
    const { id, body } = await failingRunDelivery();
    signals.length = 0;
    const res = await post(body, sign(body));
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('updated');
    expect(await conclusionOf(id)).toBe('failure');
    expect(signals).toEqual([
      { recipients: { type: 'broadcast' }, channel: 'ci-status:github.com/stacktalk/promptpulse', message: { kind: 'workflow_run', runId: id, status: 'completed', conclusion: 'failure' } },
    ]);
  });

  it("accepts GitHub's documented test vector (signature valid; the body is no event: 400)", async () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const vectorBackend = await startTestBackend({
      features: [
        ciStatusPlugin,
        mockServices.rootConfig.factory({ data: { ciStatus: { webhook: { secret: "It's a Secret to Everybody" } }, integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] } } }),
        catalogServiceMock.factory({ entities: [] }),
        createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => ({ publish: async () => {} }) }),
      ],
    });
    const send = (signature: string, event: string) =>
      request(vectorBackend.server).post('/api/ci-status/webhook').set('x-github-event', event).set('x-hub-signature-256', signature).set('content-type', 'text/plain').send('Hello, World!');
    const valid = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect((await send(valid, 'ping')).status).toBe(200);
    expect((await send(valid, 'workflow_run')).status).toBe(400);
    expect((await send(valid.replace(/7$/, '8'), 'ping')).status).toBe(401);
    await vectorBackend.stop();
  });
});

describe('CI status when GitHub fails', () => {
  it('serves the cached runs marked stale (since when, why) instead of an error', async () => {
    const quick = await startTestBackend({
      features: [
        ciStatusPlugin,
        mockServices.rootConfig.factory({
          data: {
            integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] },
            ciStatus: { github: { refreshIntervalSeconds: 1 } },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => ({ publish: async () => {} }) }),
      ],
    });
    try {
      const fresh = await request(quick.server).get(`${API}/runs`).set('authorization', stranger);
      expect(fresh.body.stale).toBeUndefined();
      await fixture.setMode('down');
      await new Promise(r => setTimeout(r, 1100));
      const stale = await request(quick.server).get(`${API}/runs`).set('authorization', stranger);
      expect(stale.status).toBe(200);
      expect(stale.body.runs).toEqual(fresh.body.runs);
      expect(stale.body.stale).toEqual({ since: fresh.body.checkedAt, reason: 'github-unavailable' });
      // Nothing cached for another repository: a 503 that says to try later.
      const none = await request(quick.server).get('/api/ci-status/entities/component/default/pdf-renderer/runs').set('authorization', stranger);
      expect(none.status).toBe(503);
      expect(none.body.error.message).toContain('try again later');
    } finally {
      await fixture.setMode('ok');
      await quick.stop();
    }
  });
});
