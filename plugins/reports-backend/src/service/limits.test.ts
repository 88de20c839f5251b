import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials, TestDatabases, type TestDatabaseId } from '@backstage/backend-test-utils';
import { reportsSectionsExtensionPoint } from '@stacktalk/plugin-reports-node';
import { createElement } from 'react';
import request from 'supertest';
import { startPortalBackend } from '../__testUtils__/portalBackend';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const user = (name: string) => mockCredentials.user.header(`user:default/${name}`);
const VOICE = 'component:default/voice-gateway';

async function start(databaseId: TestDatabaseId, reports: object, extraFeatures: any[] = []) {
  const { server } = await startPortalBackend({ knex: await databases.init(databaseId), secretsKnex: await databases.init(databaseId), reports, extraFeatures });
  return server;
}

async function finished(server: any, id: string, header: string) {
  for (let i = 0; i < 240; i++) {
    const job = (await request(server).get(`/api/reports/reports/${id}`).set('Authorization', header)).body;
    if (job.status === 'done' || job.status === 'failed') return job;
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`report ${id} did not finish`);
}

/** A section that waits until the report's time is up (or 20 s). */
const slowSection = createBackendModule({
  pluginId: 'reports',
  moduleId: 'slow-section',
  register(reg) {
    reg.registerInit({
      deps: { sections: reportsSectionsExtensionPoint, logger: coreServices.logger },
      async init({ sections }) {
        sections.addSection({
          id: 'slow',
          title: 'Slow',
          order: 90,
          render: ({ signal }) => new Promise(resolve => {
            const timer = setTimeout(() => resolve(createElement('p', null, 'finally')), 20_000);
            signal.addEventListener('abort', () => clearTimeout(timer));
          }),
        });
      },
    });
  },
});

describe.each(databases.eachSupportedId())('reports limits on %s', databaseId => {
  it('lets each person have at most maxQueuedPerUser reports waiting or rendering, even when asked at once', async () => {
    const server = await start(databaseId, { limits: { maxQueuedPerUser: 2 } });
    const post = (header: string) => request(server).post('/api/reports/reports').set('Authorization', header).send({ entityRef: VOICE, template: 'service-overview' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(user('bob'))));
    expect(answers.map(a => a.status).sort()).toEqual([202, 202, 429, 429, 429, 429, 429, 429]);
    const refused = answers.find(a => a.status === 429)!;
    expect(refused.body.error.message).toBe('You already have 2 reports waiting or rendering, the most one person may have (reports.limits.maxQueuedPerUser); try again when one is done');
    expect(refused.body.response).toEqual({ statusCode: 429 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await post(user('alice'))).status).toBe(202); // a quota per person
    for (const a of answers.filter(x => x.status === 202)) await finished(server, a.body.id, user('bob'));
  });

  it('holds the queue cap when many people ask at once', async () => {
    const server = await start(databaseId, { queue: { maxQueued: 3 } });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => request(server).post('/api/reports/reports').set('Authorization', user(`person${i}`)).send({ entityRef: VOICE, template: 'service-overview' })),
    );
    expect(answers.map(a => a.status).sort()).toEqual([202, 202, 202, 429, 429, 429, 429, 429, 429, 429]);
    expect(answers.find(a => a.status === 429)!.body.error.message).toMatch(/^3 reports are waiting or rendering; try again in about \d+ s$/);
  });

  it('lets each person have at most maxSchedulesPerUser schedules, even when asked at once', async () => {
    const server = await start(databaseId, { limits: { maxSchedulesPerUser: 2 } });
    const post = (header: string) => request(server).post('/api/reports/schedules').set('Authorization', header).send({ entityRef: VOICE, template: 'service-overview', cron: '0 6 * * 1' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(user('bob'))));
    expect(answers.map(a => a.status).sort()).toEqual([201, 201, 429, 429, 429, 429]);
    expect(answers.find(a => a.status === 429)!.body.error.message).toBe('You already have 2 report schedules, the most one person may have (reports.limits.maxSchedulesPerUser); delete one first');
    expect((await post(user('alice'))).status).toBe(201);
  });

  it('refuses a schedule that would run more often than minScheduleIntervalMinutes, with the reason', async () => {
    const server = await start(databaseId, { limits: { minScheduleIntervalMinutes: 60 } });
    const post = (cron: string) => request(server).post('/api/reports/schedules').set('Authorization', user('bob')).send({ entityRef: VOICE, template: 'service-overview', cron });
    for (const [cron, minutes] of [['* * * * *', 1], ['*/5 * * * *', 5], ['0,30 * * * *', 30], ['0,59 9 * * *', 59]] as const) {
      const res = await post(cron);
      expect([cron, res.status, res.body.error?.message]).toEqual([
        cron,
        400,
        `Schedule "${cron}" would run ${minutes} minute${minutes === 1 ? '' : 's'} apart; reports may be scheduled at most every 60 minutes (reports.limits.minScheduleIntervalMinutes)`,
      ]);
    }
    expect((await post('0 * * * *')).status).toBe(201);
    expect((await post('0 6 * * 1')).status).toBe(201);
  });

  it('stops a report that takes longer than jobTimeoutSeconds, with the reason', async () => {
    const server = await start(databaseId, { limits: { jobTimeoutSeconds: 2 } }, [slowSection]);
    const created = await request(server).post('/api/reports/reports').set('Authorization', user('bob')).send({ entityRef: VOICE, template: 'service-overview' }).expect(202);
    const started = Date.now();
    const job = await finished(server, created.body.id, user('bob'));
    expect(job).toMatchObject({ status: 'failed', error: 'The report took longer than 2 s and was stopped (reports.limits.jobTimeoutSeconds)' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('fails a report whose PDF is larger than maxPdfMegabytes, with the reason', async () => {
    const server = await start(databaseId, { limits: { maxPdfMegabytes: 0.001 } });
    const created = await request(server).post('/api/reports/reports').set('Authorization', user('bob')).send({ entityRef: VOICE, template: 'service-overview' }).expect(202);
    const job = await finished(server, created.body.id, user('bob'));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^The PDF is \d+ KB, more than the 1 KB a report may have \(reports\.limits\.maxPdfMegabytes\)$/);
  });
});
