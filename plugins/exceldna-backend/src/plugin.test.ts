/**
 * The Excel-DNA routes through a real backend (startTestBackend) on SQLite and PostgreSQL, the
 * fixture GitHub API (examples/fixtures/github-api) behind the CI status plugin's GitHub access,
 * and add-ins built from the official Excel-DNA loaders (../shared/fixtures/exceldna).
 * Permissions are a stand-in allowing reads to users and uploads to service principals; the
 * portal policy's own decisions are tested in plugins/permission-backend-module-stacktalk-policy.
 */
import type { SchedulerService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startGitHubFixture, type GitHubFixture } from '@stacktalk/plugin-ci-status-node/testUtils';
import { buildAddIns, describeWithFixtures, type AddInSet } from '@stacktalk/plugin-exceldna-node/testUtils';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { exceldnaPlugin } from './plugin';

const component = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'library', lifecycle: 'production', owner: 'group:default/desk' },
});
const ENTITIES = [
  component('excel-addin', { 'github.com/project-slug': 'stacktalk/stacktalk-excel-addin', 'stacktalk.io/exceldna-workflow': 'build-addin.yml' }),
  component('uploads-only', {}),
  component('gone-repo', { 'github.com/project-slug': 'stacktalk/no-such-repo', 'stacktalk.io/exceldna-workflow': 'build-addin.yml' }),
];
const API = '/api/exceldna/entities/component/default';
const user = mockCredentials.user.header('user:default/reader');
const ci = mockCredentials.service.header();
/** A service token with its own subject (another external-access token). */
const ciAs = (subject: string) => mockCredentials.service.header({ onBehalfOf: mockCredentials.service(subject), targetPluginId: 'exceldna' });

/** Backstage's mock scheduler: tasks run when triggered; the instance has factory() at run time, not in its declared type. */
type TestScheduler = SchedulerService & { factory(options?: { skipTaskRunOnStartup?: boolean }): ReturnType<typeof mockServices.scheduler.factory> };
const newScheduler = () => mockServices.scheduler() as TestScheduler;

/** The CI token of the other tests makes fewer uploads than this. */
const UPLOADS_PER_HOUR = 12;

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describeWithFixtures()('Excel-DNA routes', () => {
  let set: AddInSet;
  let fixture: GitHubFixture;
  beforeAll(async () => {
    set = buildAddIns();
    fixture = await startGitHubFixture();
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let knex: Awaited<ReturnType<typeof databases.init>>;
    let scheduler: TestScheduler;
    const start = (sched = newScheduler()) =>
      startTestBackend({
        features: [
          exceldnaPlugin,
          // tasks run when triggered (by the test, or by the builds route for a never-synced entity)
          sched.factory({ skipTaskRunOnStartup: true }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] },
              exceldna: { uploadMaxBytes: 3 * 1024 * 1024, trustedRoots: set.roots, uploads: { perTokenPerHour: UPLOADS_PER_HOUR } },
            },
          }),
          catalogServiceMock.factory({ entities: ENTITIES }),
          mockServices.permissions.mock({
            authorize: async (requests, { credentials }) =>
              requests.map(r => ({
                result:
                  r.permission.name === 'exceldna.build.read' || credentials.principal && (credentials.principal as { type?: string }).type === 'service'
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
              })) as any,
          }).factory,
        ],
      });
    beforeAll(async () => {
      knex = await databases.init(databaseId);
      scheduler = newScheduler();
      backend = await start(scheduler);
    }, 120_000);
    // Stopping a backend with its database pool takes longer than jest's 5 s on a loaded machine.
    afterAll(async () => {
      await backend?.stop();
    }, 60_000);

    const upload = (name: string, query: Record<string, string>, body: Buffer, auth = ci) =>
      request(backend.server).post(`${API}/${name}/uploads`).query(query).set('authorization', auth).set('content-type', 'application/octet-stream').send(body);

    it('CI uploads two bitnesses of a signed build: ready; an unsigned build: blocked, with the reasons', async () => {
      let res = await upload('uploads-only', { build: 'v1.2.0', fileName: 'StackTalk-AddIn64-packed.xll', version: '1.2.0', branch: 'main', commit: 'abc1234' }, set.signed64);
      expect(res.body).toMatchObject({ build: { readiness: { ready: false, problems: ['no x86 add-in'] } } });
      expect(res.status).toBe(201);
      res = await upload('uploads-only', { build: 'v1.2.0', fileName: 'StackTalk-AddIn-packed.xll' }, set.signed32);
      expect(res.status).toBe(201);
      expect(res.body.build).toMatchObject({ version: '1.2.0', branch: 'main', commit: 'abc1234', readiness: { ready: true, problems: [] } });
      res = await upload('uploads-only', { build: 'v1.3.0-dev', fileName: 'StackTalk-AddIn64-packed.xll', version: '1.3.0-dev' }, set.unsigned64);
      expect(res.status).toBe(201);
      expect(res.body.build.readiness.ready).toBe(false);
      expect(res.body.build.readiness.problems).toEqual(expect.arrayContaining(['no x86 add-in', 'StackTalk-AddIn64-packed.xll: not signed']));

      const list = await request(backend.server).get(`${API}/uploads-only/builds`).set('authorization', user);
      expect(list.status).toBe(200);
      expect(list.body.builds.map((b: any) => [b.version, b.readiness.ready])).toEqual([['1.3.0-dev', false], ['1.2.0', true]]);
      const x64 = list.body.builds[1].files.find((f: any) => f.architecture === 'x64');
      expect(x64.inspection.excelDna.dna.name).toBe('StackTalk Pricing');
      expect(x64.inspection.signature).toMatchObject({ status: 'valid', trusted: true });

      const download = await request(backend.server).get(`${API}/uploads-only/files/${x64.sha256}`).set('authorization', user).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(download.status).toBe(200);
      expect(Buffer.compare(download.body, set.signed64)).toBe(0);
      expect(download.headers['content-disposition']).toBe('attachment; filename="StackTalk-AddIn64-packed.xll"');
    });

    it('a chunked upload without content-length is cut off at the limit (413), not read to its end', async () => {
      const { port } = backend.server.address() as AddressInfo;
      const chunk = Buffer.alloc(256 * 1024, 1);
      let sent = 0;
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { port, method: 'POST', path: `${API}/uploads-only/uploads?build=big&fileName=big.xll`, headers: { authorization: ci, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } },
          res => resolve(res.statusCode ?? 0),
        );
        req.on('error', e => (sent > 3 * 1024 * 1024 ? resolve(413) : reject(e)));
        const pump = () => {
          // 40 MiB offered; the server answers once it has passed 3 MiB
          while (sent < 40 * 1024 * 1024 && req.write(chunk)) sent += chunk.length;
          if (sent < 40 * 1024 * 1024) req.once('drain', pump);
          else req.end();
        };
        pump();
      });
      expect(status).toBe(413);
      expect(sent).toBeLessThan(40 * 1024 * 1024);
    });

    it('a file is inspected and stored once, by sha256', async () => {
      const before = await knex('exceldna_files').count({ n: '*' });
      const res = await upload('uploads-only', { build: 'again', fileName: 'same.xll' }, set.signed64);
      expect(res.status).toBe(201);
      expect(await knex('exceldna_files').count({ n: '*' })).toEqual(before);
    });

    it('refuses: a user token on the upload route, too large a file (413), a non-PE, bad parameters; a file of another entity is not found', async () => {
      expect((await upload('uploads-only', { build: 'x', fileName: 'a.xll' }, set.signed64, user)).status).toBe(403);
      const big = await upload('uploads-only', { build: 'x', fileName: 'big.xll' }, Buffer.alloc(3 * 1024 * 1024 + 1));
      expect(big.status).toBe(413);
      expect(big.body.error.message).toMatch(/more than the 3145728 allowed/);
      const text = await upload('uploads-only', { build: 'x', fileName: 'text.xll' }, Buffer.from('hello'));
      expect(text.status).toBe(400);
      expect(text.body.error).toMatchObject({ name: 'InputError', message: 'text.xll is not a readable PE: not a PE file (no MZ header)' });
      expect((await upload('uploads-only', { build: 'x', fileName: '../evil.xll' }, set.signed64)).status).toBe(400);
      expect((await upload('uploads-only', { fileName: 'a.xll' }, set.signed64)).status).toBe(400);
      expect((await upload('nobody', { build: 'x', fileName: 'a.xll' }, set.signed64)).status).toBe(404);
      const list = await request(backend.server).get(`${API}/uploads-only/builds`).set('authorization', user);
      const sha = list.body.builds[0].files[0].sha256;
      expect((await request(backend.server).get(`${API}/excel-addin/files/${sha}`).set('authorization', user)).status).toBe(404);
      expect((await request(backend.server).get(`${API}/excel-addin/files/not-a-hash`).set('authorization', user)).status).toBe(400);
      expect((await request(backend.server).get(`${API}/uploads-only/builds`).set('authorization', mockCredentials.user.invalidHeader())).status).toBe(401);
    });

    it('an external-access token makes at most exceldna.uploads.perTokenPerHour uploads, counted across replicas; then 429 with Retry-After', async () => {
      const replica = await start(); // a second backend on the same database
      try {
        const burst = ciAs('external:ci-burst');
        const servers = [backend.server, replica.server];
        const send = (i: number, auth = burst) =>
          request(servers[i % 2]).post(`${API}/uploads-only/uploads`).query({ build: `burst-${i}`, fileName: 'a.xll' }).set('authorization', auth).set('content-type', 'application/octet-stream').send(set.signed64);
        for (let i = 0; i < UPLOADS_PER_HOUR; i++) expect((await send(i)).status).toBe(201);
        for (const i of [UPLOADS_PER_HOUR, UPLOADS_PER_HOUR + 1]) {
          const refused = await send(i);
          expect(refused.status).toBe(429);
          expect(refused.body.error.message).toMatch(/external:ci-burst has made 12 uploads this hour \(exceldna\.uploads\.perTokenPerHour\)/);
          const retryAfter = Number(refused.headers['retry-after']);
          expect(retryAfter).toBeGreaterThanOrEqual(1);
          expect(retryAfter).toBeLessThanOrEqual(3600);
        }
        // the refused uploads stored nothing; another token is not affected
        const stored = await knex('exceldna_builds').where('build_key', 'like', 'burst-%').orderBy('id').select('build_key');
        expect(stored.map(r => r.build_key)).toEqual(Array.from({ length: UPLOADS_PER_HOUR }, (_, i) => `burst-${i}`));
        expect((await send(99, ciAs('external:ci-other'))).status).toBe(201);
        const counted = await knex('exceldna_upload_counts').where({ subject: 'external:ci-burst' }).first('count');
        expect(Number(counted.count)).toBe(UPLOADS_PER_HOUR + 2);
      } finally {
        await replica.stop();
      }
    }, 120_000);

    it("GitHub builds come from the scheduled sync task (global scope); the route reads the database: syncing, then last synced", async () => {
      expect(await scheduler.getScheduledTasks()).toEqual([expect.objectContaining({ id: 'exceldna-github-sync', scope: 'global' })]);
      const before = ((await fixture.stats()) as any).requests;
      // never synced: the route answers at once, "syncing", and asks the scheduler for a run
      const first = await request(backend.server).get(`${API}/excel-addin/builds`).set('authorization', user);
      expect(first.status).toBe(200);
      expect(first.body.github).toMatchObject({ syncing: true });
      // an entity without the annotation has no GitHub state
      expect((await request(backend.server).get(`${API}/uploads-only/builds`).set('authorization', user)).body.github).toBeUndefined();
      let body = first.body;
      for (let i = 0; i < 100 && body.github.syncing; i++) {
        await new Promise(r => setTimeout(r, 100));
        body = (await request(backend.server).get(`${API}/excel-addin/builds`).set('authorization', user)).body;
      }
      expect(body.github).toMatchObject({ syncing: false, lastSyncedAt: expect.any(String) });
      expect(body.builds.length).toBeGreaterThan(0);
      const b = body.builds[0];
      expect(b).toMatchObject({ source: 'github', branch: 'main', commit: expect.stringMatching(/^[0-9a-f]{40}$/), url: expect.stringContaining('/actions/runs/') });
      // this fixture runs without --exceldna-addins: its artifact holds text named .xll, stored and shown as not a readable PE
      expect(b.files[0]).toMatchObject({ fileName: 'StackTalk.AddIn-AddIn64-packed.xll', problems: ['not a readable PE: not a PE file (no MZ header)'] });
      expect(((await fixture.stats()) as any).requests).toBeGreaterThan(before);

      // reading the builds again does not call GitHub; the next task run asks at most for the run list (cached)
      const afterSync = ((await fixture.stats()) as any).requests;
      const again = await request(backend.server).get(`${API}/excel-addin/builds`).set('authorization', user);
      expect(again.body.builds.map((x: any) => x.id)).toEqual(body.builds.map((x: any) => x.id));
      expect(((await fixture.stats()) as any).requests).toBe(afterSync);
      await scheduler.triggerTask('exceldna-github-sync');
      expect(((await fixture.stats()) as any).requests - afterSync).toBeLessThanOrEqual(1);
      const synced = await request(backend.server).get(`${API}/excel-addin/builds`).set('authorization', user);
      expect(Date.parse(synced.body.github.lastSyncedAt)).toBeGreaterThanOrEqual(Date.parse(body.github.lastSyncedAt));
    });

    it('a sync that fails (the repository is unknown to GitHub) is reported by the route', async () => {
      await scheduler.triggerTask('exceldna-github-sync');
      const res = await request(backend.server).get(`${API}/gone-repo/builds`).set('authorization', user);
      expect(res.status).toBe(200);
      expect(res.body.github).toMatchObject({ problem: expect.stringMatching(/^GitHub builds not synced: /) });
      expect(res.body.builds).toEqual([]);
    });
  });
});
