import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/config';
import request from 'supertest';
import { findInDatabase } from '@stacktalk/plugin-secrets-backend/testUtils';
import { CapturingLogger, startSecretsBackend } from './__testUtils__/secretsBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ALICE = mockCredentials.user.header('user:default/alice'); // owns payments-api
const BOB = mockCredentials.user.header('user:default/bob'); // owns voice-gateway only
const ROOT = mockCredentials.user.header('user:default/root'); // secrets admin
// Static external-access tokens reach plugins with the subject as configured (no `external:`);
// secretsMachineAccess.test.ts checks that with Backstage's real token handler.
const CI = mockCredentials.service.header({ onBehalfOf: mockCredentials.service('ci-deployer'), targetPluginId: 'secrets' });
const OTHER_SERVICE = mockCredentials.service.header({ onBehalfOf: mockCredentials.service('intruder'), targetPluginId: 'secrets' });
const E = '/api/secrets/entities/component/default/payments-api';
const S = (env: string, name: string) => `${E}/environments/${env}/secrets/${name}`;
const MARKER = 'pl41n-m4rker-\u00e9\u{1F511}';

describe.each(databases.eachSupportedId())('secrets routes with the portal policy on %s', databaseId => {
  async function setUp(config?: JsonObject) {
    const logger = new CapturingLogger();
    const { server } = await startSecretsBackend({ knex: await databases.init(databaseId), logger, config });
    const as = (header: string) => ({
      get: (url: string) => request(server).get(url).set('Authorization', header),
      put: (url: string, body: object) => request(server).put(url).set('Authorization', header).send(body),
      post: (url: string, body: object = {}) => request(server).post(url).set('Authorization', header).send(body),
      del: (url: string) => request(server).delete(url).set('Authorization', header),
    });
    return { server, logger, knex: await databases.init(databaseId), alice: as(ALICE), bob: as(BOB), root: as(ROOT), as };
  }

  const routes: Array<[string, string, object?]> = [
    ['get', '/api/secrets/environments'],
    ['get', `${E}/secrets`],
    ['get', `${E}/audit`],
    ['get', `${E}/hygiene`],
    ['put', S('development', 'API_KEY'), { value: 'x', expectedVersion: 0 }],
    ['post', `${S('development', 'API_KEY')}/reveal`],
    ['get', `${S('development', 'API_KEY')}/history`],
    ['post', `${S('development', 'API_KEY')}/rollback`, { toVersion: 1, expectedVersion: 1 }],
    ['delete', S('development', 'API_KEY')],
    ['post', `${S('development', 'API_KEY')}/restore`],
    ['post', `${S('development', 'API_KEY')}/destroy`, { confirm: 'API_KEY' }],
    ['get', `${E}/environments/development/export`],
    ['get', '/api/secrets/audit'],
    ['get', '/api/secrets/keys'],
    ['post', '/api/secrets/keys/rewrap'],
  ];

  it('answers 401 on every route without credentials', async () => {
    const { server } = await setUp();
    for (const [method, url, body] of routes) {
      const res = await (request(server) as any)[method](url).set('Authorization', mockCredentials.none.header()).send(body ?? {});
      expect([method, url, res.status]).toEqual([method, url, 401]);
    }
  });

  it('answers 403 on every entity route to a user who does not own the entity, and 403 on admin routes', async () => {
    const { alice, bob } = await setUp();
    await alice.put(S('development', 'API_KEY'), { value: 'alice-secret', expectedVersion: 0 }).expect(200);
    for (const [method, url, body] of routes.slice(1)) {
      const res = await (bob as any)[method === 'delete' ? 'del' : method](url, body ?? {});
      expect([method, url, res.status]).toEqual([method, url, 403]);
    }
    // The owner may not reveal or write in production, nor use the admin routes.
    await alice.post(`${S('production', 'API_KEY')}/reveal`).expect(403);
    await alice.put(S('production', 'API_KEY'), { value: 'x', expectedVersion: 0 }).expect(403);
    await alice.get(`${E}/environments/production/export`).expect(403);
    await alice.get('/api/secrets/audit').expect(403);
    await alice.get('/api/secrets/keys').expect(403);
  });

  it('lets the owner create, reveal, see what is missing, roll back, delete, restore and destroy outside production', async () => {
    const { alice } = await setUp();
    const v1 = await alice.put(S('development', 'DATABASE_URL'), { value: 'postgres://one', expectedVersion: 0, description: 'Primary DB', rotateBy: '2027-01-31' });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ version: 1, createdBy: 'user:default/alice', description: 'Primary DB', rotateBy: '2027-01-31T00:00:00.000Z' });
    await alice.put(S('development', 'DATABASE_URL'), { value: 'postgres://two', expectedVersion: 1 }).expect(200);
    const stale = await alice.put(S('development', 'DATABASE_URL'), { value: 'postgres://stale', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/at version 2, not 1/);
    expect((await alice.post(`${S('development', 'DATABASE_URL')}/reveal`)).body.value).toBe('postgres://two');

    const matrix = (await alice.get(`${E}/secrets`)).body;
    expect(matrix.missing).toEqual({ DATABASE_URL: ['staging', 'production'] });
    expect(matrix.environments.map((e: any) => [e.name, e.access.reveal, e.access.list])).toEqual([
      ['development', true, true],
      ['staging', true, true],
      ['production', false, true],
    ]);
    expect(JSON.stringify(matrix)).not.toContain('postgres://');

    await alice.post(`${S('development', 'DATABASE_URL')}/rollback`, { toVersion: 1, expectedVersion: 2 }).expect(200);
    expect((await alice.post(`${S('development', 'DATABASE_URL')}/reveal`)).body).toMatchObject({ value: 'postgres://one', metadata: { version: 3 } });
    expect((await alice.post(`${S('development', 'DATABASE_URL')}/reveal`, { version: 2 })).body.value).toBe('postgres://two');
    expect((await alice.get(`${S('development', 'DATABASE_URL')}/history`)).body.versions.map((v: any) => v.version)).toEqual([3, 2, 1]);

    await alice.del(S('development', 'DATABASE_URL')).expect(204);
    expect((await alice.get(`${E}/secrets`)).body.secrets[0]).toMatchObject({ name: 'DATABASE_URL', deletedAt: expect.any(String) });
    await alice.post(`${S('development', 'DATABASE_URL')}/reveal`).expect(404);
    await alice.post(`${S('development', 'DATABASE_URL')}/restore`).expect(204);
    await alice.post(`${S('development', 'DATABASE_URL')}/destroy`, {}).expect(400);
    expect((await alice.post(`${S('development', 'DATABASE_URL')}/destroy`, { confirm: 'DATABASE_URL' })).body).toEqual({ destroyedVersions: 3 });
    await alice.get(`${S('development', 'DATABASE_URL')}/history`).expect(404);

    const actions = (await alice.get(`${E}/audit`)).body.events.map((e: any) => e.action);
    expect(actions).toEqual(['destroy', 'restore', 'delete', 'reveal', 'reveal', 'rollback', 'reveal', 'write', 'write']);
  });

  it('lets an admin do everything in production and read the portal-wide audit log and key usage', async () => {
    const { root, alice } = await setUp();
    await root.put(S('production', 'STRIPE_KEY'), { value: 'sk_live_1', expectedVersion: 0 }).expect(200);
    expect((await root.post(`${S('production', 'STRIPE_KEY')}/reveal`)).body.value).toBe('sk_live_1');
    expect((await alice.get(`${E}/secrets`)).body.secrets.map((s: any) => [s.environment, s.name])).toEqual([['production', 'STRIPE_KEY']]);
    const audit = (await root.get('/api/secrets/audit?action=reveal')).body.events;
    expect(audit).toEqual([expect.objectContaining({ actor: 'user:default/root', action: 'reveal', environment: 'production', name: 'STRIPE_KEY', version: 1 })]);
    expect((await root.get('/api/secrets/keys')).body.keys).toEqual([{ id: 'local-1', active: true, records: 1 }]);
    await root.post(`${S('production', 'STRIPE_KEY')}/destroy`, { confirm: 'STRIPE_KEY' }).expect(200);
  });

  it('exports each environment in its deployment format, audited, and only with reveal permission', async () => {
    const { alice } = await setUp();
    await alice.put(S('development', 'API_KEY'), { value: 'a "quoted" $value\nline 2', expectedVersion: 0 }).expect(200);
    await alice.put(S('development', 'TOKEN'), { value: 'tok', expectedVersion: 0 }).expect(200);
    await alice.put(S('staging', 'API_KEY'), { value: 'staging-key', expectedVersion: 0 }).expect(200);

    const systemd = await alice.get(`${E}/environments/development/export`).expect(200);
    expect(systemd.headers['content-disposition']).toBe('attachment; filename="payments-api.development.systemd.env"');
    expect(systemd.text).toContain('API_KEY="a \\"quoted\\" \\$value\nline 2"\nTOKEN="tok"\n');

    const appSpec = await alice.get(`${E}/environments/staging/export`).expect(200);
    expect(appSpec.text).toContain('envs:\n  - key: "API_KEY"\n    scope: RUN_AND_BUILD_TIME\n    type: SECRET\n    value: "staging-key"');

    const k8s = await alice.get(`${E}/environments/development/export?format=kubernetes`).expect(200);
    expect(k8s.text).toContain('kind: Secret');
    expect(k8s.text).toContain(`  "TOKEN": "${Buffer.from('tok').toString('base64')}"`);

    // A format whose reader would change a value refuses the whole file, naming the secret.
    const refused = await alice.get(`${E}/environments/development/export?format=docker-env-file`).expect(409);
    expect(refused.body.error.message).toMatch(/^The docker-env-file format .* cannot carry every secret exactly, so nothing was exported\. API_KEY: it has a line feed/);
    expect(refused.text).not.toContain('quoted');

    const exports = (await alice.get(`${E}/audit?action=export`)).body.events;
    expect(exports.map((e: any) => [e.outcome, e.detail])).toEqual([
      ['denied', 'docker-env-file cannot carry API_KEY'],
      ['allowed', 'kubernetes: API_KEY@v1, TOKEN@v1'],
      ['allowed', 'app-platform: API_KEY@v1'],
      ['allowed', 'systemd: API_KEY@v1, TOKEN@v1'],
    ]);
  });

  it('lets a granted machine token export, audited as that subject, and nothing else', async () => {
    const { alice, as } = await setUp();
    await alice.put(S('staging', 'API_KEY'), { value: 'for-ci', expectedVersion: 0 }).expect(200);
    const ci = as(CI);
    const res = await ci.get(`${E}/environments/staging/export?format=dotenv`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("API_KEY='for-ci'");
    await ci.get(`${E}/environments/development/export`).expect(403); // not granted for development
    await as(OTHER_SERVICE).get(`${E}/environments/staging/export`).expect(403);
    // Every other route is for users only.
    expect((await ci.get(`${E}/secrets`)).status).toBeGreaterThanOrEqual(401);
    expect((await ci.post(`${S('staging', 'API_KEY')}/reveal`)).status).toBeGreaterThanOrEqual(401);
    const events = (await alice.get(`${E}/audit?action=export`)).body.events;
    expect(events.map((e: any) => [e.actor, e.environment, e.outcome])).toEqual([
      ['external:intruder', 'staging', 'denied'],
      ['external:ci-deployer', 'development', 'denied'],
      ['external:ci-deployer', 'staging', 'allowed'],
    ]);
    expect(events[2]).toMatchObject({ detail: 'dotenv: API_KEY@v1', source: expect.stringContaining('machine token') });
  });

  it('checks the export format before deciding, decrypting or auditing anything', async () => {
    const { alice, bob, root, as } = await setUp();
    await alice.put(S('development', 'API_KEY'), { value: 'v', expectedVersion: 0 }).expect(200);
    const formats = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'xml', 'DOTENV', ''];
    for (const format of formats) {
      const res = await alice.get(`${E}/environments/development/export?format=${encodeURIComponent(format)}`);
      expect([format, res.status, res.body.error?.message]).toEqual([format, 400, expect.stringMatching(/^Unknown export format ".*"; use one of /)]);
    }
    const twice = await alice.get(`${E}/environments/development/export?format=dotenv&format=kubernetes`).expect(400);
    expect(twice.body.error.message).toMatch(/^Give format once; use one of /);
    await bob.get(`${E}/environments/development/export?format=constructor`).expect(400);
    await as(CI).get(`${E}/environments/staging/export?format=constructor`).expect(400);
    expect((await root.get('/api/secrets/audit')).body.events.map((e: any) => e.action)).toEqual(['write']);
  });

  it('audits denied reveals and exports, with the reason, for the owner and the admins to see', async () => {
    const { alice, bob, root } = await setUp();
    await alice.put(S('development', 'API_KEY'), { value: 'v', expectedVersion: 0 }).expect(200);
    await bob.post(`${S('development', 'API_KEY')}/reveal`).expect(403);
    await bob.get(`${E}/environments/development/export`).expect(403);
    await alice.post(`${S('production', 'API_KEY')}/reveal`).expect(403);
    await alice.get(`${E}/environments/production/export?format=dotenv`).expect(403);
    const events = (await root.get('/api/secrets/audit')).body.events;
    expect(events.map((e: any) => [e.actor, e.action, e.environment, e.name ?? null, e.outcome])).toEqual([
      ['user:default/alice', 'export', 'production', null, 'denied'],
      ['user:default/alice', 'reveal', 'production', 'API_KEY', 'denied'],
      ['user:default/bob', 'export', 'development', null, 'denied'],
      ['user:default/bob', 'reveal', 'development', 'API_KEY', 'denied'],
      ['user:default/alice', 'write', 'development', 'API_KEY', 'allowed'],
    ]);
    expect(events[3].detail).toBe('You may not reveal secrets of component:default/payments-api in development');
    expect((await root.get('/api/secrets/audit?outcome=denied')).body.events).toHaveLength(4);
    // The owner sees who tried.
    expect((await alice.get(`${E}/audit?outcome=denied`)).body.events.map((e: any) => e.actor)).toEqual([
      'user:default/alice',
      'user:default/alice',
      'user:default/bob',
      'user:default/bob',
    ]);
  });

  it('takes the audited address from the connection, and X-Forwarded-For only from configured trusted proxies', async () => {
    const untrusted = await setUp({ backend: { trustProxy: true } });
    await untrusted.alice.put(S('development', 'API_KEY'), { value: 'v', expectedVersion: 0 }).set('X-Forwarded-For', '203.0.113.9').expect(200);
    const [direct] = (await untrusted.alice.get(`${E}/audit`)).body.events;
    expect(direct.source).toMatch(/^API \(user\) from (::ffff:)?127\.0\.0\.1$/);

    const proxied = await setUp({ secrets: { trustedProxies: ['127.0.0.0/8', '10.0.0.0/8'] } });
    await proxied.alice
      .put(S('development', 'API_KEY'), { value: 'v', expectedVersion: 0 })
      .set('X-Forwarded-For', '198.51.100.7, 203.0.113.9, 10.1.2.3')
      .set('X-StackTalk-Client', 'portal-ui')
      .expect(200);
    const [viaProxy] = (await proxied.alice.get(`${E}/audit`)).body.events;
    // The right-most address no trusted proxy vouches for; the left part is the client's own claim.
    expect(viaProxy.source).toBe('portal UI (user) from 203.0.113.9 via 127.0.0.1');
  });

  it('gives counts and missing names, never values, to users who may list the secrets (reports asks on their behalf), never to a service principal', async () => {
    const { alice, bob, as } = await setUp();
    await alice.put(S('development', 'API_KEY'), { value: 'hygiene-value', expectedVersion: 0, rotateBy: '2020-01-01' }).expect(200);
    await alice.put(S('staging', 'API_KEY'), { value: 'hygiene-value', expectedVersion: 0 }).expect(200);
    await alice.put(S('development', 'TOKEN'), { value: 'hygiene-value', expectedVersion: 0 }).expect(200);
    // An on-behalf-of token (reports' section) reaches the route as the user it was made for.
    const asOwner = await alice.get(`${E}/hygiene`);
    expect(asOwner.status).toBe(200);
    expect(asOwner.body).toEqual({
      entityRef: 'component:default/payments-api',
      total: 3,
      environments: [
        { name: 'development', count: 2, overdue: 1, dueIn14Days: 0 },
        { name: 'staging', count: 1, overdue: 0, dueIn14Days: 0 },
        { name: 'production', count: 0, overdue: 0, dueIn14Days: 0 },
      ],
      missing: { API_KEY: ['production'], TOKEN: ['staging', 'production'] },
    });
    expect(JSON.stringify(asOwner.body)).not.toContain('hygiene-value');
    // Someone who may not list them gets nothing, not even counts.
    const notOwner = await bob.get(`${E}/hygiene`);
    expect(notOwner.status).toBe(403);
    expect(JSON.stringify(notOwner.body)).not.toContain('API_KEY');
    // A backend plugin with its own identity is not a person: refused, whichever plugin.
    for (const plugin of ['plugin:reports', 'plugin:catalog']) {
      const header = mockCredentials.service.header({ onBehalfOf: mockCredentials.service(plugin), targetPluginId: 'secrets' });
      const res = await as(header).get(`${E}/hygiene`);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(JSON.stringify(res.body)).not.toContain('API_KEY');
    }
    await as(CI).get(`${E}/hygiene`).expect(403); // nor is an external token
  });

  it('answers bad input with 4xx errors that say why, never 500, and loses nothing', async () => {
    const { alice, server } = await setUp();
    await alice.put(S('development', 'KEEP'), { value: 'kept', expectedVersion: 0 }).expect(200);
    const cases: Array<[string, any, RegExp]> = [
      ['lower_case', { value: 'x', expectedVersion: 0 }, /must match/],
      ['A'.repeat(300), { value: 'x', expectedVersion: 0 }, /longer than/],
      [encodeURIComponent('ÄPI'), { value: 'x', expectedVersion: 0 }, /must match/],
      [encodeURIComponent('A\u0000B'), { value: 'x', expectedVersion: 0 }, /must match/],
      ['OK', { value: '', expectedVersion: 0 }, /empty/],
      ['OK', { value: 'a\u0000b', expectedVersion: 0 }, /NUL/],
      ['OK', { value: 'x'.repeat(70_000), expectedVersion: 0 }, /limit is 65536/],
      ['OK', { value: '\u{1F511}'.repeat(16_385), expectedVersion: 0 }, /limit is 65536/],
      ['OK', { value: 'a\ud800', expectedVersion: 0 }, /lone surrogate/],
      ['OK', { value: 42, expectedVersion: 0 }, /must be a string/],
      ['OK', { value: 'x' }, /expectedVersion/],
      ['OK', { value: 'x', expectedVersion: -1 }, /expectedVersion/],
      ['OK', { value: 'x', expectedVersion: 0, rotateBy: 'next tuesday' }, /rotateBy/],
    ];
    for (const [name, body, message] of cases) {
      const res = await alice.put(S('development', name), body);
      expect([name.slice(0, 20), res.status, res.body.error?.message]).toEqual([name.slice(0, 20), 400, expect.stringMatching(message)]);
    }
    // Random names and values: always a 2xx or 4xx, never a 5xx.
    const alphabet = ['A', 'z', '_', '0', ' ', '\u0000', 'é', '\u{1F511}', '"', '\\', '\n', '%', '/'];
    for (let i = 0; i < 40; i++) {
      const pick = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      const res = await alice.put(S('development', encodeURIComponent(pick(1 + (i % 7)))), { value: pick(i * 3), expectedVersion: 0 });
      expect(res.status).toBeLessThan(500);
    }
    const malformed = await request(server).put(S('development', 'OK')).set('Authorization', ALICE).set('Content-Type', 'application/json').send('{"value":');
    expect(malformed.status).toBe(400);
    await alice.put(`${E}/environments/qa/secrets/OK`, { value: 'x', expectedVersion: 0 }).expect(404);
    expect((await alice.get('/api/secrets/entities/component/default/no-such-service/secrets')).body.error.message).toMatch(/No entity component:default\/no-such-service/);
    const badVersion = await alice.post(`${S('development', 'KEEP')}/reveal`, { version: 'latest' }).expect(400);
    expect([badVersion.body.error.message, badVersion.body.response]).toEqual(['version must be a positive whole number', { statusCode: 400 }]);
    expect((await alice.post(`${S('development', 'KEEP')}/reveal`)).body.value).toBe('kept');
  });

  it('never stores or logs a plaintext value, even at debug level', async () => {
    const { alice, root, knex, logger } = await setUp();
    await alice.put(S('development', 'SECRET_ONE'), { value: MARKER, expectedVersion: 0 }).expect(200);
    await alice.put(S('development', 'SECRET_ONE'), { value: `${MARKER}-2`, expectedVersion: 1 }).expect(200);
    await alice.put(S('development', 'SECRET_ONE'), { value: `${MARKER}-3`, expectedVersion: 1 }).expect(409);
    await alice.post(`${S('development', 'SECRET_ONE')}/reveal`).expect(200);
    await alice.get(`${E}/environments/development/export`).expect(200);
    await root.put(S('production', 'SECRET_ONE'), { value: MARKER, expectedVersion: 0 }).expect(200);
    await root.post('/api/secrets/keys/rewrap').expect(202);

    expect(await findInDatabase(knex, 'pl41n-m4rker')).toEqual([]);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(logger.lines.filter(l => l.includes('pl41n-m4rker'))).toEqual([]);
  });
});
