/**
 * The admin routes (upload, disable, enable, remove) through the plugin's real HTTP router in a
 * test backend, with the portal's real permission policy (plugins.manage: admin groups only),
 * real .tar.gz bundles built here with the `tar` package, and a temporary dynamic plugins folder.
 * The auditor is a recorder so the audit events can be asserted.
 */
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import * as tar from 'tar';
import { pluginManagerPlugin } from './plugin';
import { policyServices } from './__testUtils__/policyServices';

const FIXTURE_BACKEND = path.join(__filename, '..', '__testUtils__', 'fixture-backend');
const FIXTURE_APP = path.join(__filename, '..', '__testUtils__', 'fixture-app');
const ADMIN = mockCredentials.user.header('user:default/admin');
const EMPLOYEE = mockCredentials.user.header('user:default/employee');


interface AuditRecord {
  eventId: string;
  meta?: object;
  outcome?: 'success' | 'fail';
  error?: string;
}
const audit: AuditRecord[] = [];
const auditorFactory = createServiceFactory({
  service: coreServices.auditor,
  deps: {},
  factory: () => ({
    async createEvent({ eventId, meta }: { eventId: string; meta?: object }) {
      const record: AuditRecord = { eventId, meta };
      audit.push(record);
      return {
        async success() {
          record.outcome = 'success';
        },
        async fail({ error }: { error: Error }) {
          record.outcome = 'fail';
          record.error = error.message;
        },
      };
    },
  }),
});

const sri = (data: Buffer) => `sha512-${crypto.createHash('sha512').update(data).digest('base64')}`;

let work: string;
let dynamicDir: string;

/** A .tar.gz of one package folder `<folder>/` (what scripts/bundle-plugin.sh makes), as bytes. */
async function bundle(folder: string, pkg: object, files: Record<string, string> = {}): Promise<Buffer> {
  const src = fs.mkdtempSync(path.join(work, 'src-'));
  fs.mkdirSync(path.join(src, folder, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(src, folder, 'package.json'), JSON.stringify(pkg));
  fs.writeFileSync(path.join(src, folder, 'dist', 'index.cjs.js'), 'module.exports = {};\n');
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(src, folder, name), content);
  const file = path.join(src, 'bundle.tgz');
  await tar.c({ gzip: true, file, cwd: src }, [folder]);
  return fs.readFileSync(file);
}

const backendPkg = (name: string, extra: object = {}) => ({
  name,
  version: '1.0.0',
  main: 'dist/index.cjs.js',
  backstage: { role: 'backend-plugin', pluginId: name.split('/').pop() },
  peerDependencies: { '@backstage/backend-plugin-api': '^1.0.0' },
  ...extra,
});

// The machine running the tests is shared and slow: a generous cap per test (not a measurement).
jest.setTimeout(60_000);

describe('plugin-manager admin routes', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let registryServer: http.Server;
  const registry: Record<string, { doc: object; tarballs: Record<string, Buffer> }> = {};

  const upload = (data: Buffer, integrity: string | undefined, auth = ADMIN) => {
    const req = request(backend.server).post('/api/plugin-manager/bundles').set('authorization', auth).set('content-type', 'application/gzip');
    return (integrity === undefined ? req : req.query({ integrity })).send(data);
  };
  const listDir = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-manager-bundles-'));
    dynamicDir = path.join(work, 'dynamic-plugins');
    fs.mkdirSync(dynamicDir);

    // Fixture npm registry (the real registry is not for tests): package documents and tarballs.
    registryServer = http.createServer((req, res) => {
      const url = decodeURIComponent(req.url!.slice(1));
      if (url.startsWith('-/v1/search')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ objects: Object.keys(registry).map(name => ({ package: { name } })) }));
        return;
      }
      for (const entry of Object.values(registry)) {
        if (entry.tarballs[url]) {
          res.setHeader('content-type', 'application/octet-stream');
          res.end(entry.tarballs[url]);
          return;
        }
      }
      const entry = registry[url];
      res.statusCode = entry ? 200 : 404;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(entry ? entry.doc : { error: 'Not found' }));
    });
    await new Promise<void>(resolve => registryServer.listen(0, '127.0.0.1', resolve));
    const registryUrl = `http://127.0.0.1:${(registryServer.address() as { port: number }).port}`;
    const v1 = await bundle('package', backendPkg('@acme/plugin-npm-backend'));
    const v2 = await bundle('package', { ...backendPkg('@acme/plugin-npm-backend'), version: '2.0.0' });
    registry['@acme/plugin-npm-backend'] = {
      doc: {
        name: '@acme/plugin-npm-backend',
        'dist-tags': { latest: '2.0.0' },
        versions: {
          '1.0.0': { ...backendPkg('@acme/plugin-npm-backend'), dist: { tarball: `${registryUrl}/t/npm-1.0.0.tgz`, integrity: sri(v1) } },
          // The document states an integrity the tarball does not have (a tampered tarball).
          '2.0.0': { ...backendPkg('@acme/plugin-npm-backend'), version: '2.0.0', dist: { tarball: `${registryUrl}/t/npm-2.0.0.tgz`, integrity: sri(v1) } },
        },
      },
      tarballs: { 't/npm-1.0.0.tgz': v1, 't/npm-2.0.0.tgz': v2 },
    };

    backend = await startTestBackend({
      features: [
        pluginManagerPlugin,
        catalogServiceMock.factory({ entities: [] }),
        auditorFactory,
        ...policyServices(),
        mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
        mockServices.rootConfig.factory({
          data: {
            weather: { station: 'EDDB' },
            dynamicPlugins: { rootDirectory: dynamicDir },
            pluginManager: {
              backendPackageDir: FIXTURE_BACKEND,
              appPackageDir: FIXTURE_APP,
              sources: [{ name: 'fixture registry', type: 'npm', scope: '@acme', registry: registryUrl }],
              maxBundleBytes: 200_000,
              // The grace timer (exit if connections stay open) must not fire in the test runner.
              restart: { enabled: true, graceSeconds: 86_400 },
            },
          },
        }),
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    registryServer?.closeAllConnections();
    registryServer?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('installs an uploaded bundle whose integrity, role, peers and config check out, pending a restart', async () => {
    const data = await bundle('acme-plugin-hello-backend', backendPkg('@acme/plugin-hello-backend'), { 'README.md': '# Hello\n' });
    audit.length = 0;
    const res = await upload(data, sri(data));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ package: '@acme/plugin-hello-backend', version: '1.0.0', role: 'backend-plugin', restartNeeded: true });
    expect(listDir(dynamicDir)).toEqual(['acme-plugin-hello-backend']);
    expect(fs.readFileSync(path.join(dynamicDir, 'acme-plugin-hello-backend', 'README.md'), 'utf8')).toBe('# Hello\n');
    expect(listDir(`${dynamicDir}.staging`)).toEqual([]);
    expect(audit).toEqual([expect.objectContaining({ eventId: 'plugin-install', outcome: 'success' })]);

    const changes = await request(backend.server).get('/api/plugin-manager/changes').set('authorization', EMPLOYEE);
    expect(changes.status).toBe(200);
    expect(changes.body.restartNeeded).toBe(true);
    expect(changes.body.changes).toEqual([expect.objectContaining({ package: '@acme/plugin-hello-backend', action: 'install', by: 'user:default/admin' })]);
  });

  it('installs a frontend plugin bundle whose frontend-plugin-api range the app runs', async () => {
    const data = await bundle('acme-plugin-hello', {
      name: '@acme/plugin-hello',
      version: '0.3.0',
      backstage: { role: 'frontend-plugin' },
      peerDependencies: { '@backstage/frontend-plugin-api': '>=0.10.0 <1.0.0' },
    });
    const res = await upload(data, sri(data));
    expect(res.status).toBe(200);
    expect(listDir(dynamicDir)).toContain('acme-plugin-hello');
  });

  it('refuses a bundle whose integrity does not match, or without one, before unpacking it', async () => {
    const data = await bundle('acme-plugin-other-backend', backendPkg('@acme/plugin-other-backend'));
    const other = await bundle('acme-plugin-x', backendPkg('@acme/plugin-x'));
    audit.length = 0;
    const mismatch = await upload(data, sri(other));
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.message).toMatch(/integrity mismatch/);
    expect(audit).toEqual([expect.objectContaining({ eventId: 'plugin-install', outcome: 'fail', error: expect.stringMatching(/integrity mismatch/) })]);

    const missing = await upload(data, undefined);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/integrity is required/);
    const malformed = await upload(data, 'sha1-abc');
    expect(malformed.status).toBe(400);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-other-backend');
    expect(listDir(`${dynamicDir}.staging`)).toEqual([]);
  });

  it('lists the missing config keys and does not install (422)', async () => {
    const data = await bundle(
      'acme-plugin-weather-backend',
      backendPkg('@acme/plugin-weather-backend', { configSchema: 'config.d.ts' }),
      { 'config.d.ts': 'export interface Config {\n  weather: {\n    /** @visibility secret */\n    apiKey: string;\n    station?: string;\n  };\n}\n' },
    );
    const res = await upload(data, sri(data));
    expect(res.status).toBe(422);
    expect(res.body.missingKeys).toEqual(['weather.apiKey']);
    expect(res.body.error.message).toMatch(/not installed: missing config key weather.apiKey/);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-weather-backend');

    // The same from a JSON schema file in the bundle (config.schema.json).
    const json = await bundle('acme-plugin-radar-backend', backendPkg('@acme/plugin-radar-backend'), {
      'config.schema.json': JSON.stringify({ type: 'object', properties: { radar: { type: 'object', properties: { url: { type: 'string' } }, required: ['url'] } }, required: ['radar'] }),
    });
    const res2 = await upload(json, sri(json));
    expect(res2.status).toBe(422);
    // The whole object is missing: what to add is its required key.
    expect(res2.body.missingKeys).toEqual(['radar.url']);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-radar-backend');

    // A schema that does not compile: refused with the reason, not a server error.
    const bad = await bundle('acme-plugin-odd-backend', backendPkg('@acme/plugin-odd-backend'), {
      'config.schema.json': JSON.stringify({ $schema: 'https://example.invalid/no-such-meta-schema', type: 'object' }),
    });
    const res3 = await upload(bad, sri(bad));
    expect(res3.status).toBe(422);
    expect(res3.body.error.message).toMatch(/its config schema could not be used: .*no-such-meta-schema/);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-odd-backend');
  });

  it('refuses peer ranges the running framework does not satisfy (422) and roles that are not plugins (400)', async () => {
    const old = await bundle('acme-plugin-old-backend', backendPkg('@acme/plugin-old-backend', { peerDependencies: { '@backstage/backend-plugin-api': '^0.6.0' } }));
    const res = await upload(old, sri(old));
    expect(res.status).toBe(422);
    expect(res.body.problems).toEqual([expect.stringMatching(/^@backstage\/backend-plugin-api \^0\.6\.0 is required but this portal runs \d+\.\d+\.\d+/)]);

    const lib = await bundle('acme-lib', { name: '@acme/lib', version: '1.0.0', main: 'dist/index.cjs.js', backstage: { role: 'node-library' } });
    const res2 = await upload(lib, sri(lib));
    expect(res2.status).toBe(400);
    expect(res2.body.error.message).toMatch(/backstage.role is node-library/);
    expect(listDir(dynamicDir)).not.toEqual(expect.arrayContaining(['acme-plugin-old-backend', 'acme-lib']));
  });

  it('refuses a bundle that clashes with a statically installed plugin (409)', async () => {
    const data = await bundle('portal-status', backendPkg('@acme/portal-status', { backstage: { role: 'backend-plugin', pluginId: 'portal-status' } }));
    const res = await upload(data, sri(data));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/clashes with @stacktalk\/plugin-portal-status-backend/);
  });

  it('refuses symbolic links, paths leaving the bundle, non-archives (400) and bodies over the cap (413)', async () => {
    const src = fs.mkdtempSync(path.join(work, 'evil-'));
    fs.mkdirSync(path.join(src, 'evil', 'dist'), { recursive: true });
    fs.writeFileSync(path.join(src, 'evil', 'package.json'), JSON.stringify(backendPkg('@acme/evil')));
    fs.symlinkSync('/etc/passwd', path.join(src, 'evil', 'dist', 'index.cjs.js'));
    await tar.c({ gzip: true, file: path.join(src, 'link.tgz'), cwd: src }, ['evil']);
    const link = fs.readFileSync(path.join(src, 'link.tgz'));
    const res = await upload(link, sri(link));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/evil\/dist\/index.cjs.js: SymbolicLink entries are not allowed/);

    fs.mkdirSync(path.join(src, 'inner'));
    fs.writeFileSync(path.join(src, 'outside.txt'), 'x');
    await tar.c({ gzip: true, file: path.join(src, 'dots.tgz'), cwd: path.join(src, 'inner'), preservePaths: true }, ['../outside.txt']);
    const dots = fs.readFileSync(path.join(src, 'dots.tgz'));
    const res2 = await upload(dots, sri(dots));
    expect(res2.status).toBe(400);
    expect(res2.body.error.message).toMatch(/\.\.\/outside.txt: path leaves the bundle folder/);
    expect(fs.existsSync(path.join(`${dynamicDir}.staging`, '..', 'outside.txt'))).toBe(false);

    const junk = Buffer.from('not a tarball at all');
    const res3 = await upload(junk, sri(junk));
    expect(res3.status).toBe(400);
    expect(res3.body.error.message).toMatch(/not a readable .tar.gz/);

    const big = crypto.randomBytes(300_000);
    const res4 = await upload(big, sri(big));
    expect(res4.status).toBe(413);
    expect(listDir(`${dynamicDir}.staging`)).toEqual([]);

    // A few kilobytes that unpack to 2 MB of zeros (the cap: 8 × maxBundleBytes = 1.6 MB).
    const bomb = await bundle('acme-plugin-bomb-backend', backendPkg('@acme/plugin-bomb-backend'), { 'zeros.bin': '\0'.repeat(2_000_000) });
    expect(bomb.length).toBeLessThan(200_000);
    const res5 = await upload(bomb, sri(bomb));
    expect(res5.status).toBe(413);
    expect(res5.body.error.message).toMatch(/unpacks to 2\d{6} bytes, more than 1600000 bytes \(pluginManager.maxUnpackedBytes\)/);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-bomb-backend');
    expect(listDir(`${dynamicDir}.staging`)).toEqual([]);
  });

  it('disables, enables and removes a dynamic plugin; 404 for what is not one, 409 when already so', async () => {
    const name = encodeURIComponent('@acme/plugin-hello-backend');
    audit.length = 0;
    const disabled = await request(backend.server).post(`/api/plugin-manager/plugins/${name}/disable`).set('authorization', ADMIN);
    expect(disabled.status).toBe(200);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-hello-backend');
    expect(listDir(`${dynamicDir}.disabled`)).toEqual(['acme-plugin-hello-backend']);
    const again = await request(backend.server).post(`/api/plugin-manager/plugins/${name}/disable`).set('authorization', ADMIN);
    expect(again.status).toBe(409);

    const installed = await request(backend.server).get('/api/plugin-manager/installed').set('authorization', ADMIN);
    expect(installed.body.packages.find((p: any) => p.package === '@acme/plugin-hello-backend')).toMatchObject({ origin: 'dynamic', status: 'disabled' });

    const enabled = await request(backend.server).post(`/api/plugin-manager/plugins/${name}/enable`).set('authorization', ADMIN);
    expect(enabled.status).toBe(200);
    expect(listDir(dynamicDir)).toContain('acme-plugin-hello-backend');
    expect(listDir(`${dynamicDir}.disabled`)).toEqual([]);

    const removed = await request(backend.server).delete(`/api/plugin-manager/plugins/${name}`).set('authorization', ADMIN);
    expect(removed.status).toBe(200);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-hello-backend');
    expect(removed.body.changes.map((c: any) => c.action)).toEqual(['install', 'install', 'disable', 'enable', 'remove']);
    expect(audit.map(a => `${a.eventId}:${a.outcome}`)).toEqual(['plugin-disable:success', 'plugin-disable:fail', 'plugin-enable:success', 'plugin-remove:success']);

    const unknown = await request(backend.server).delete(`/api/plugin-manager/plugins/${encodeURIComponent('@stacktalk/plugin-portal-status-backend')}`).set('authorization', ADMIN);
    expect(unknown.status).toBe(404);
    const bad = await request(backend.server).post(`/api/plugin-manager/plugins/${encodeURIComponent('../x')}/disable`).set('authorization', ADMIN);
    expect(bad.status).toBe(400);
  }, 60_000);

  it('installs from a configured npm source, checking the tarball against the dist.integrity of the registry document', async () => {
    const name = encodeURIComponent('@acme/plugin-npm-backend');
    // latest (2.0.0): the tarball does not match the integrity the document states.
    const tampered = await request(backend.server).post(`/api/plugin-manager/plugins/${name}/install`).set('authorization', ADMIN);
    expect([tampered.status, tampered.body.error?.message]).toEqual([400, expect.stringMatching(/integrity mismatch/)]);
    expect(tampered.body.error.message).toMatch(/integrity mismatch/);
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-npm-backend');

    const ok = await request(backend.server).post(`/api/plugin-manager/plugins/${name}/install`).query({ version: '1.0.0' }).set('authorization', ADMIN);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ package: '@acme/plugin-npm-backend', version: '1.0.0' });
    expect(JSON.parse(fs.readFileSync(path.join(dynamicDir, 'acme-plugin-npm-backend', 'package.json'), 'utf8')).version).toBe('1.0.0');

    const unknownVersion = await request(backend.server).post(`/api/plugin-manager/plugins/${name}/install`).query({ version: '9.9.9' }).set('authorization', ADMIN);
    expect(unknownVersion.status).toBe(404);
    const unknown = await request(backend.server).post(`/api/plugin-manager/plugins/${encodeURIComponent('@acme/nope')}/install`).set('authorization', ADMIN);
    expect(unknown.status).toBe(404);
    const otherScope = await request(backend.server).post(`/api/plugin-manager/plugins/${encodeURIComponent('@other/x')}/install`).set('authorization', ADMIN);
    expect(otherScope.status).toBe(400);
    expect(otherScope.body.error.message).toMatch(/none of the npm sources/);
    expect((await request(backend.server).post(`/api/plugin-manager/plugins/${name}/install`).set('authorization', EMPLOYEE)).status).toBe(403);

    // The Available list marks it installable (a plugin role with dist.tarball and dist.integrity).
    const available = await request(backend.server).get('/api/plugin-manager/available').set('authorization', EMPLOYEE);
    expect(available.body.packages).toEqual([
      expect.objectContaining({ package: '@acme/plugin-npm-backend', latestVersion: '2.0.0', installedVersion: '1.0.0', state: 'update-available', installable: true }),
    ]);
  });

  it('restarts on request of an admin: answers 202, then sends this process SIGTERM (Backstage stops every plugin and exits)', async () => {
    // The signal itself is intercepted: it would end the test runner.
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      expect((await request(backend.server).post('/api/plugin-manager/restart').set('authorization', EMPLOYEE)).status).toBe(403);
      expect(kill).not.toHaveBeenCalled();
      audit.length = 0;
      const pending = (await request(backend.server).get('/api/plugin-manager/changes').set('authorization', EMPLOYEE)).body;
      expect(pending).toMatchObject({ restartNeeded: true, restartAvailable: true, boot: { id: expect.any(String) } });
      const res = await request(backend.server).post('/api/plugin-manager/restart').set('authorization', ADMIN);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ restarting: true, applyId: expect.any(String), boot: pending.boot });
      await new Promise(resolve => setImmediate(resolve));
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGTERM');
      expect(audit).toEqual([expect.objectContaining({ eventId: 'backend-restart', outcome: 'success' })]);
      // The pending changes are now the ones the next start applies (and confirms or rolls back).
      const after = (await request(backend.server).get('/api/plugin-manager/changes').set('authorization', EMPLOYEE)).body;
      expect(after.restartNeeded).toBe(false);
      expect(after.applying).toMatchObject({ id: res.body.applyId, changes: pending.changes });
    } finally {
      kill.mockRestore();
    }
  });

  it('answers 403 to non-admins and 401 without a user, touching nothing', async () => {
    const data = await bundle('acme-plugin-sneaky-backend', backendPkg('@acme/plugin-sneaky-backend'));
    expect((await upload(data, sri(data), EMPLOYEE)).status).toBe(403);
    const name = encodeURIComponent('@acme/plugin-hello');
    expect((await request(backend.server).post(`/api/plugin-manager/plugins/${name}/disable`).set('authorization', EMPLOYEE)).status).toBe(403);
    expect((await request(backend.server).post(`/api/plugin-manager/plugins/${name}/enable`).set('authorization', EMPLOYEE)).status).toBe(403);
    expect((await request(backend.server).delete(`/api/plugin-manager/plugins/${name}`).set('authorization', EMPLOYEE)).status).toBe(403);
    expect((await request(backend.server).delete(`/api/plugin-manager/plugins/${name}`)).status).toBe(401);
    // A machine token (a CI job, another plugin) manages nothing either.
    const machine = mockCredentials.service.header();
    expect((await upload(data, sri(data), machine)).status).toBe(403);
    expect((await request(backend.server).post(`/api/plugin-manager/plugins/${name}/disable`).set('authorization', machine)).status).toBe(403);
    // Nor may it restart the backend, or anyone anonymous (the signal would end the test runner).
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      expect((await request(backend.server).post('/api/plugin-manager/restart').set('authorization', machine)).status).toBe(403);
      expect((await request(backend.server).post('/api/plugin-manager/restart')).status).toBe(401);
      expect((await request(backend.server).get('/api/plugin-manager/changes')).status).toBe(401);
      expect(kill).not.toHaveBeenCalled();
    } finally {
      kill.mockRestore();
    }
    expect(listDir(dynamicDir)).toContain('acme-plugin-hello');
    expect(listDir(dynamicDir)).not.toContain('acme-plugin-sneaky-backend');
  });

  it('an update keeps the version it replaces as a backup for rollback; the API does not show its path', async () => {
    const v1 = await bundle('acme-plugin-echo-backend', backendPkg('@acme/plugin-echo-backend'));
    expect((await upload(v1, sri(v1))).status).toBe(200);
    const v2 = await bundle('acme-plugin-echo-backend', { ...backendPkg('@acme/plugin-echo-backend'), version: '2.0.0' });
    const res = await upload(v2, sri(v2));
    expect(res.status).toBe(200);
    expect(JSON.parse(fs.readFileSync(path.join(dynamicDir, 'acme-plugin-echo-backend', 'package.json'), 'utf8')).version).toBe('2.0.0');
    const backups = listDir(`${dynamicDir}.backup`);
    expect(backups).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(path.join(`${dynamicDir}.backup`, backups[0], 'acme-plugin-echo-backend', 'package.json'), 'utf8')).version).toBe('1.0.0');
    const update = res.body.changes.find((c: any) => c.package === '@acme/plugin-echo-backend' && c.version === '2.0.0');
    expect(update).toMatchObject({ action: 'install', replacedEarlierVersion: true });
    const changes = await request(backend.server).get('/api/plugin-manager/changes').set('authorization', EMPLOYEE);
    expect(JSON.stringify(changes.body)).not.toContain(`${dynamicDir}.backup`);
    expect(JSON.stringify(res.body.changes)).not.toContain(`${dynamicDir}.backup`);
    expect((await request(backend.server).delete(`/api/plugin-manager/plugins/${encodeURIComponent('@acme/plugin-echo-backend')}`).set('authorization', ADMIN)).status).toBe(200);
  });
});
