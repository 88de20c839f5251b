import { mockCredentials, mockServices, startTestBackend, TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Entity } from '@backstage/catalog-model';
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import reportsPlugin from '../index';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ADA = mockCredentials.user.header('user:default/ada.okafor');

const ENTITIES: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'stacktalk-report-service', title: 'Report service', description: 'Renders <b>PDF</b> reports & more', tags: ['pdf'], links: [{ url: 'https://reports.stacktalk.example', title: 'Runbook' }] },
    spec: { type: 'service', lifecycle: 'production', owner: 'group:default/reporting', system: 'stacktalk', providesApis: ['api:default/reports-api'] },
    relations: [
      { type: 'ownedBy', targetRef: 'group:default/reporting' },
      { type: 'partOf', targetRef: 'system:default/stacktalk' },
      { type: 'providesApi', targetRef: 'api:default/reports-api' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'reports-api', title: 'Reports API' },
    spec: { type: 'openapi', lifecycle: 'production', owner: 'group:default/reporting', definition: '{}' },
  },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'reporting' }, spec: { type: 'team', children: [] } },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'stacktalk', title: 'StackTalk' },
    spec: { owner: 'group:default/platform' },
    relations: [{ type: 'hasPart', targetRef: 'component:default/stacktalk-report-service' }, { type: 'ownedBy', targetRef: 'group:default/platform' }],
  },
];

async function start(databaseId: TestDatabaseId, options: { deny?: boolean; readable?: (entityRef: string) => boolean; config?: object } = {}) {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      reportsPlugin,
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: { reports: { concurrency: 2, ...options.config } } }),
      ...(options.deny ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })] : []),
      ...(options.readable
        ? [
            mockServices.permissions.mock({
              authorize: async requests =>
                requests.map(r => ({ result: r.permission.name !== 'reports.report.read' || options.readable!(String((r as any).resourceRef)) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY })),
            }).factory,
          ]
        : []),
    ],
  });
  return server;
}

async function waitFor(server: any, id: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await request(server).get(`/api/reports/reports/${id}`).set('Authorization', ADA)).body;
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`report ${id} did not finish`);
}

describe.each(databases.eachSupportedId())('reports routes on %s', databaseId => {
  it('generates a service overview: queued, then done with a PDF naming the entity and its owner, a preview, a history entry; then deletes it', async () => {
    const server = await start(databaseId);
    const created = await request(server).post('/api/reports/reports').set('Authorization', ADA).send({ entityRef: 'component:default/stacktalk-report-service', template: 'service-overview', format: 'Letter' });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'queued', progress: 0, createdBy: 'user:default/ada.okafor', format: 'Letter' });
    const job = await waitFor(server, created.body.id);
    expect(job).toMatchObject({ status: 'done', progress: 100, pages: expect.any(Number), size: expect.any(Number) });

    const pdf = await request(server).get(`/api/reports/reports/${job.id}/pdf`).set('Authorization', ADA).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.body }).toString();
    expect(text).toContain('Report service');
    expect(text).toContain('group:reporting');
    expect(text).toContain('Renders <b>PDF</b> reports & more'); // entity text is escaped, shown as written
    expect(text).toContain('Reports API');
    expect(text).toMatch(/Page 1 of \d/);

    const preview = await request(server).get(`/api/reports/reports/${job.id}/preview`).set('Authorization', ADA);
    expect(preview.headers['content-type']).toBe('image/png');
    expect(preview.body.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    const history = await request(server).get('/api/reports/reports').query({ entityRef: 'component:default/stacktalk-report-service' }).set('Authorization', ADA);
    expect(history.body.reports.map((r: any) => r.id)).toEqual([job.id]);

    await request(server).delete(`/api/reports/reports/${job.id}`).set('Authorization', ADA).expect(204);
    await request(server).get(`/api/reports/reports/${job.id}`).set('Authorization', ADA).expect(404);
  });

  it('generates a system report with every component and a table of contents', async () => {
    const server = await start(databaseId);
    const templates = await request(server).get('/api/reports/templates').query({ entityRef: 'system:default/stacktalk' }).set('Authorization', ADA);
    expect(templates.body.templates.map((t: any) => t.id)).toEqual(['service-overview', 'system-report']);
    const created = await request(server).post('/api/reports/reports').set('Authorization', ADA).send({ entityRef: 'system:default/stacktalk', template: 'system-report' });
    expect(created.status).toBe(202);
    const job = await waitFor(server, created.body.id);
    expect(job.status).toBe('done');
    expect(job.pages).toBeGreaterThanOrEqual(2); // each component starts on a new page
    const pdf = await request(server).get(`/api/reports/reports/${job.id}/pdf`).set('Authorization', ADA).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.body }).toString();
    expect(text).toContain('Components (1)');
    expect(text).toContain('Report service');
    expect(text).toContain('Reports API');
  });

  it('answers bad input with 4xx that say why', async () => {
    const server = await start(databaseId);
    const post = (body: object) => request(server).post('/api/reports/reports').set('Authorization', ADA).send(body);
    expect((await post({ template: 'service-overview' })).status).toBe(400);
    expect((await post({ entityRef: 'not a ref', template: 'service-overview' })).body.error.message).toMatch(/not an entity ref/);
    const unknownEntity = await post({ entityRef: 'component:default/nope', template: 'service-overview' });
    expect([unknownEntity.status, unknownEntity.body.error.message]).toEqual([404, 'No entity component:default/nope in the catalog']);
    const unknownTemplate = await post({ entityRef: 'component:default/stacktalk-report-service', template: 'quarterly-earnings' });
    expect([unknownTemplate.status, unknownTemplate.body.error.message]).toEqual([404, expect.stringContaining('No report template "quarterly-earnings"')]);
    expect((await post({ entityRef: 'group:default/reporting', template: 'service-overview' })).status).toBe(400);
    const noDocs = await post({ entityRef: 'system:default/stacktalk', template: 'techdocs' });
    expect([noDocs.status, noDocs.body.error.message]).toEqual([
      400,
      'TechDocs to PDF is for entities with TechDocs (a backstage.io/techdocs-ref annotation): system:default/stacktalk has none',
    ]);
    expect((await post({ entityRef: 'component:default/stacktalk-report-service', template: 'service-overview', format: 'A3' })).body.error.message).toMatch(/A4, Letter/);
    await request(server).get('/api/reports/reports/no-such-id').set('Authorization', ADA).expect(404);
  });

  it('stores cron schedules per template and entity, and explains an invalid one', async () => {
    const server = await start(databaseId);
    const post = (body: object) => request(server).post('/api/reports/schedules').set('Authorization', ADA).send({ entityRef: 'component:default/stacktalk-report-service', template: 'service-overview', ...body });
    const bad = await post({ cron: '61 * * * *' });
    expect([bad.status, bad.body.error.message]).toEqual([400, 'Invalid schedule "61 * * * *": Field value (61) is out of range']);
    expect((await post({ cron: 'every monday' })).body.error.message).toMatch(/use 5 cron fields/);
    expect((await post({})).status).toBe(400);
    expect((await post({ cron: '0 6 * * 1', template: 'nope' })).status).toBe(404);
    const created = await post({ cron: '0 6 * * 1', format: 'Letter' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ cron: '0 6 * * 1', format: 'Letter', createdBy: 'user:default/ada.okafor' });
    expect(new Date(created.body.nextRunAt).getUTCDay()).toBe(1);
    const list = await request(server).get('/api/reports/schedules').query({ entityRef: 'component:default/stacktalk-report-service' }).set('Authorization', ADA);
    expect(list.body.schedules.map((x: any) => x.id)).toEqual([created.body.id]);
    await request(server).delete(`/api/reports/schedules/${created.body.id}`).set('Authorization', ADA).expect(204);
    await request(server).delete(`/api/reports/schedules/${created.body.id}`).set('Authorization', ADA).expect(404);
  });

  it('answers 401 without credentials and 403 without permission on every route', async () => {
    const server = await start(databaseId, { deny: true });
    const none = mockCredentials.none.header();
    for (const [method, url] of [['get', '/api/reports/templates'], ['post', '/api/reports/reports'], ['get', '/api/reports/reports?entityRef=component:default/stacktalk-report-service'], ['get', '/api/reports/reports/x'], ['get', '/api/reports/reports/x/pdf'], ['delete', '/api/reports/reports/x'], ['post', '/api/reports/schedules'], ['get', '/api/reports/schedules?entityRef=component:default/stacktalk-report-service'], ['delete', '/api/reports/schedules/x']]) {
      expect([url, (await (request(server) as any)[method](url).set('Authorization', none)).status]).toEqual([url, 401]);
    }
    const created = await request(server).post('/api/reports/reports').set('Authorization', ADA).send({ entityRef: 'component:default/stacktalk-report-service', template: 'service-overview' });
    expect([created.status, created.body.error.message]).toEqual([403, 'You may not create reports of component:default/stacktalk-report-service']);
    const list = await request(server).get('/api/reports/reports').query({ entityRef: 'component:default/stacktalk-report-service' }).set('Authorization', ADA);
    expect(list.status).toBe(403);
    expect((await request(server).get('/api/reports/reports').set('Authorization', none)).status).toBe(401);
    // Across entities nothing is refused: the caller sees the reports it may read, here none.
    expect((await request(server).get('/api/reports/reports').set('Authorization', ADA).expect(200)).body).toEqual({ reports: [] });
  });

  it('lists the newest reports across entities, only of entities whose reports the caller may read', async () => {
    const server = await start(databaseId, { readable: ref => ref !== 'api:default/reports-api' });
    const create = (entityRef: string) => request(server).post('/api/reports/reports').set('Authorization', ADA).send({ entityRef, template: 'service-overview' }).expect(202);
    const component = (await create('component:default/stacktalk-report-service')).body;
    await create('api:default/reports-api');
    const newer = (await create('component:default/stacktalk-report-service')).body;
    const recent = await request(server).get('/api/reports/reports').set('Authorization', ADA).expect(200);
    expect(recent.body.reports.map((j: any) => j.id)).toEqual([newer.id, component.id]);
    // An empty entityRef is still a bad request, not "all entities".
    expect((await request(server).get('/api/reports/reports').query({ entityRef: '' }).set('Authorization', ADA)).status).toBe(400);
    for (const id of [newer.id, component.id]) await waitFor(server, id);
  });

  it('answers 429 with Retry-After when the queue is full', async () => {
    const server = await start(databaseId, { config: { queue: { maxQueued: 0 } } });
    const res = await request(server).post('/api/reports/reports').set('Authorization', ADA).send({ entityRef: 'component:default/stacktalk-report-service', template: 'service-overview' });
    expect(res.status).toBe(429);
    expect(res.body.response).toEqual({ statusCode: 429 }); // Backstage's error body: clients show the reason
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body.error.message).toMatch(/try again in about/);
  });
});
