import { mockCredentials, TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { startPortalBackend } from '../__testUtils__/portalBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ALICE = mockCredentials.user.header('user:default/alice'); // owns payments-api
const BOB = mockCredentials.user.header('user:default/bob'); // owns voice-gateway only
const ROOT = mockCredentials.user.header('user:default/root'); // portal admin
const PAYMENTS = 'component:default/payments-api';

async function setUp(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const { server, scheduler } = await startPortalBackend({ knex, secretsKnex: await databases.init(databaseId) });
  const as = (header: string) => ({
    get: (url: string) => request(server).get(url).set('Authorization', header),
    post: (url: string, body: object) => request(server).post(url).set('Authorization', header).send(body),
    del: (url: string) => request(server).delete(url).set('Authorization', header),
    async pdfText(id: string) {
      const res = await request(server).get(`/api/reports/reports/${id}/pdf`).set('Authorization', header).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', c => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status).toBe(200);
      return execFileSync('pdftotext', ['-', '-'], { input: res.body }).toString();
    },
    async finished(id: string) {
      for (let i = 0; i < 240; i++) {
        const job = (await request(server).get(`/api/reports/reports/${id}`).set('Authorization', header)).body;
        if (job.status === 'done' || job.status === 'failed') return job;
        await new Promise(r => setTimeout(r, 250));
      }
      throw new Error(`report ${id} did not finish`);
    },
    async report(entityRef: string) {
      const created = await this.post('/api/reports/reports', { entityRef, template: 'service-overview' });
      expect(created.status).toBe(202);
      expect(await this.finished(created.body.id)).toMatchObject({ status: 'done' });
      return created.body.id as string;
    },
  });
  const alice = as(ALICE);
  // Alice's team keeps one secret, in development only: the hygiene section lists it as missing elsewhere.
  await alice.get('/api/secrets/entities/component/default/payments-api/secrets').expect(200);
  const put = await request(server).put('/api/secrets/entities/component/default/payments-api/environments/development/secrets/STRIPE_WEBHOOK_KEY').set('Authorization', ALICE).send({ value: 'whsec_x', expectedVersion: 0 });
  expect(put.status).toBe(200);
  return { knex, scheduler, as, alice, bob: as(BOB), root: as(ROOT) };
}

describe.each(databases.eachSupportedId())('reports on behalf of the requester, with the portal policy, on %s', databaseId => {
  it("shows the secrets hygiene section only to someone who may see the entity's secrets", async () => {
    const { alice, bob } = await setUp(databaseId);
    const bobs = await bob.pdfText(await bob.report(PAYMENTS));
    expect(bobs).toContain('payments-api');
    expect(bobs).not.toContain('Secrets hygiene');
    expect(bobs).not.toContain('STRIPE_WEBHOOK_KEY');

    const alices = await alice.pdfText(await alice.report(PAYMENTS));
    expect(alices).toContain('Secrets hygiene');
    expect(alices).toContain('STRIPE_WEBHOOK_KEY (staging, production)');
  });

  it('lets only the creator and admins read, download and delete a report', async () => {
    const { as, alice, bob, root } = await setUp(databaseId);
    const id = await alice.report(PAYMENTS);
    for (const url of [`/api/reports/reports/${id}`, `/api/reports/reports/${id}/pdf`, `/api/reports/reports/${id}/preview`]) {
      const res = await bob.get(url);
      expect([url, res.status, res.body.error?.message]).toEqual([url, 403, `Report ${id} belongs to user:default/alice: only its creator or a reports admin may see it`]);
    }
    expect((await bob.del(`/api/reports/reports/${id}`)).status).toBe(403);
    // A machine token is no one: it may not read, delete or ask for reports.
    const machine = as(mockCredentials.service.header({ onBehalfOf: mockCredentials.service('external:ci-deployer'), targetPluginId: 'reports' }));
    for (const res of [await machine.get(`/api/reports/reports/${id}`), await machine.del(`/api/reports/reports/${id}`), await machine.post('/api/reports/reports', { entityRef: PAYMENTS, template: 'service-overview' })]) {
      expect([res.status, res.body.error.message]).toEqual([403, "This endpoint does not allow 'service' credentials"]);
    }
    // Lists hold only the caller's own reports (an admin's hold everyone's).
    expect((await bob.get('/api/reports/reports').query({ entityRef: PAYMENTS }).expect(200)).body.reports).toEqual([]);
    expect((await bob.get('/api/reports/reports').expect(200)).body.reports).toEqual([]);
    expect((await alice.get('/api/reports/reports').query({ entityRef: PAYMENTS })).body.reports.map((r: any) => r.id)).toEqual([id]);
    expect((await root.get('/api/reports/reports')).body.reports.map((r: any) => r.id)).toEqual([id]);
    await root.get(`/api/reports/reports/${id}/pdf`).expect(200);
    await root.del(`/api/reports/reports/${id}`).expect(204);
    await alice.get(`/api/reports/reports/${id}`).expect(404);
  });

  it('lets only the creator and admins see and delete a schedule', async () => {
    const { alice, bob, root } = await setUp(databaseId);
    const created = await alice.post('/api/reports/schedules', { entityRef: PAYMENTS, template: 'service-overview', cron: '0 6 * * 1' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await bob.get('/api/reports/schedules').query({ entityRef: PAYMENTS }).expect(200)).body.schedules).toEqual([]);
    const refused = await bob.del(`/api/reports/schedules/${id}`);
    expect([refused.status, refused.body.error.message]).toEqual([403, `Schedule ${id} belongs to user:default/alice: only its creator or a reports admin may delete it`]);
    expect((await alice.get('/api/reports/schedules').query({ entityRef: PAYMENTS })).body.schedules.map((s: any) => s.id)).toEqual([id]);
    expect((await root.get('/api/reports/schedules').query({ entityRef: PAYMENTS })).body.schedules.map((s: any) => s.id)).toEqual([id]);
    await root.del(`/api/reports/schedules/${id}`).expect(204);
  });

  it('leaves out, with a line saying so, what a scheduled report cannot vouch for while its creator is away', async () => {
    const { knex, scheduler, alice, bob } = await setUp(databaseId);
    const created = await alice.post('/api/reports/schedules', { entityRef: PAYMENTS, template: 'service-overview', cron: '0 6 * * 1' });
    expect(created.status).toBe(201);
    await knex('report_schedules').where({ id: created.body.id }).update({ next_run_at: new Date(Date.now() - 60_000) });
    await scheduler.triggerTask('reports-schedules');
    const [job] = (await alice.get('/api/reports/reports').query({ entityRef: PAYMENTS }).expect(200)).body.reports;
    expect(job).toMatchObject({ createdBy: 'user:default/alice', scheduleId: created.body.id });
    expect(await alice.finished(job.id)).toMatchObject({ status: 'done' });
    const text = (await alice.pdfText(job.id)).replace(/\s+/g, ' ');
    expect(text).toContain('payments-api');
    expect(text).toContain('Secrets hygiene');
    expect(text).toContain('Left out: this report was made by a schedule while user:default/alice was away');
    expect(text).not.toContain('STRIPE_WEBHOOK_KEY');
    expect((await bob.get(`/api/reports/reports/${job.id}`)).status).toBe(403);
  });
});
