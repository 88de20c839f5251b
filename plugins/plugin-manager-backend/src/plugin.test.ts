/**
 * The plugin manager in a real test backend (startTestBackend) with Backstage's real HTTP router
 * (so every plugin serves its auth-integration and permission-metadata routes), Backstage's
 * in-memory catalog (catalogServiceMock: the catalog's own filter semantics) and the portal's
 * real permission policy. The installed static plugins are the dependencies of a fixture backend
 * package (src/__testUtils__/fixture-backend); the dynamic plugins folder is a temporary folder.
 */
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { httpRouterServiceFactory } from '@backstage/backend-defaults/httpRouter';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AvailableResponse, InstalledResponse } from '@stacktalk/plugin-plugin-manager-common';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { pluginManagerPlugin } from './plugin';
import { policyServices } from './__testUtils__/policyServices';

const FIXTURE_BACKEND = path.join(__filename, '..', '__testUtils__', 'fixture-backend');
const FIXTURE_APP = path.join(__filename, '..', '__testUtils__', 'fixture-app');

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', owner: 'group:default/team', lifecycle: 'production' },
});

function writePackage(dir: string, pkg: object, files: Record<string, string> = {}) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
}


describe('plugin-manager backend', () => {
  let dynamicDir: string;
  let registryServer: http.Server;
  let registryUrl: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    dynamicDir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-manager-dynamic-'));
    // A dynamic bundle whose plugin never came up, with a config schema the config does not satisfy.
    writePackage(
      path.join(dynamicDir, 'acme-plugin-weather-backend-dynamic'),
      {
        name: '@acme/plugin-weather-backend-dynamic',
        version: '1.2.0',
        description: 'Weather for components',
        backstage: { role: 'backend-plugin', pluginId: 'weather' },
        configSchema: 'config.d.ts',
        stacktalk: { annotations: ['acme.io/weather-station'] },
      },
      {
        'config.d.ts': 'export interface Config {\n  weather: {\n    /** @visibility secret */\n    apiKey: string;\n    station?: string;\n  };\n}\n',
        'README.md': '# Weather\n\nShows the weather.\n',
      },
    );

    // Fixture npm registry (the real registry is not for tests): the search and package documents.
    registryServer = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const send = (body: object) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/-/v1/search' && url.searchParams.get('text') === 'scope:stacktalk') {
        send({ objects: ['plugin-portal-status-backend', 'plugin-new-backend', 'plugin-ci-status', 'plugin-ci-status-common'].map(n => ({ package: { name: `@stacktalk/${n}` } })) });
      } else if (url.pathname === '/@stacktalk%2fplugin-ci-status' || url.pathname === '/@stacktalk%2fplugin-ci-status-common') {
        const name = decodeURIComponent(url.pathname.slice(1));
        send({ 'dist-tags': { latest: '0.1.0' }, versions: { '0.1.0': { name, version: '0.1.0', backstage: { role: name.endsWith('common') ? 'common-library' : 'frontend-plugin' } } } });
      } else if (url.pathname === '/@stacktalk%2fplugin-portal-status-backend') {
        send({ 'dist-tags': { latest: '0.2.0' }, versions: { '0.2.0': { name: '@stacktalk/plugin-portal-status-backend', version: '0.2.0', backstage: { role: 'backend-plugin', pluginId: 'portal-status' } } } });
      } else if (url.pathname === '/@stacktalk%2fplugin-new-backend') {
        send({ 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name: '@stacktalk/plugin-new-backend', version: '1.0.0', description: 'New', backstage: { role: 'backend-plugin', pluginId: 'new' }, stacktalk: { annotations: ['stacktalk.io/new'] } } } });
      } else {
        res.statusCode = 404;
        send({ error: 'Not found' });
      }
    });
    await new Promise<void>(resolve => registryServer.listen(0, '127.0.0.1', resolve));
    registryUrl = `http://127.0.0.1:${(registryServer.address() as { port: number }).port}`;

    backend = await startTestBackend({
      features: [
        pluginManagerPlugin,
        httpRouterServiceFactory,
        catalogServiceMock.factory({
          entities: [
            entity('a', { 'acme.io/weather-station': 'x' }),
            entity('b', { 'acme.io/weather-station': 'y' }),
            entity('c', { other: 'z' }),
          ],
        }),
        ...policyServices(),
        mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
        // The mock auth service with the one call it leaves out: the auth integration route
        // (the health probe's target) lists the public service keys; the mock tokens need none.
        createServiceFactory({
          service: coreServices.auth,
          deps: { plugin: coreServices.pluginMetadata },
          factory: ({ plugin }) => {
            const auth = mockServices.auth({ pluginId: plugin.getId() });
            return Object.assign(Object.create(auth), { listPublicServiceKeys: async () => ({ keys: [] }) });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            weather: { station: 'EDDB' },
            dynamicPlugins: { rootDirectory: dynamicDir },
            pluginManager: {
              backendPackageDir: FIXTURE_BACKEND,
              appPackageDir: FIXTURE_APP,
              sources: [
                { name: 'fixture registry', type: 'npm', registry: registryUrl, scope: '@stacktalk' },
                { name: 'missing folder', type: 'directory', path: path.join(dynamicDir, 'nope') },
              ],
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
    fs.rmSync(dynamicDir, { recursive: true, force: true });
  });

  it('lists what the running backend has, with status, config, health, annotations and permissions', async () => {
    const res = await request(backend.server)
      .get('/api/plugin-manager/installed')
      .set('authorization', mockCredentials.user.header('user:default/employee'));
    expect(res.status).toBe(200);
    const body = res.body as InstalledResponse;
    expect(body.running.map(r => r.pluginId)).toContain('plugin-manager');

    const self = body.packages.find(p => p.package === '@stacktalk/plugin-plugin-manager-backend')!;
    expect(self).toMatchObject({ origin: 'static', role: 'backend-plugin', pluginId: 'plugin-manager', status: 'loaded' });
    expect(self.config.state).toBe('complete');
    expect(self.health).toMatchObject({ state: 'answering', httpStatus: 200, checked: 'GET /api/plugin-manager/.backstage/auth/v1/jwks.json' });
    expect(self.permissions.map(p => p.name).sort()).toEqual(['plugins.manage', 'plugins.read']);
    expect(self.hasReadme).toBe(true);

    // A dependency of the backend that is not added to it.
    const portalStatus = body.packages.find(p => p.package === '@stacktalk/plugin-portal-status-backend')!;
    expect(portalStatus.status).toBe('disabled');
    expect(portalStatus.error).toMatch(/plugin portal-status is a dependency of the backend but not added/);
    expect(portalStatus.health).toBeUndefined();

    // Not a backend plugin (a library): not listed.
    expect(body.packages.find(p => p.package === '@backstage/config')).toBeUndefined();

    // The dynamic bundle: did not load, its missing config key listed, its annotation counted.
    const weather = body.packages.find(p => p.package === '@acme/plugin-weather-backend-dynamic')!;
    expect(weather).toMatchObject({ origin: 'dynamic', version: '1.2.0', pluginId: 'weather', status: 'failed' });
    expect(weather.config).toMatchObject({ state: 'missing', missingKeys: ['weather.apiKey'] });
    expect(weather.annotations).toEqual([{ annotation: 'acme.io/weather-station', entities: 2 }]);
  }, 120_000);

  it('serves a README raw and refuses bad or unknown names', async () => {
    const auth = mockCredentials.user.header('user:default/employee');
    const ok = await request(backend.server).get('/api/plugin-manager/readme').query({ package: '@acme/plugin-weather-backend-dynamic' }).set('authorization', auth);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/markdown/);
    expect(ok.text).toBe('# Weather\n\nShows the weather.\n');

    const bad = await request(backend.server).get('/api/plugin-manager/readme').query({ package: '../../etc/passwd' }).set('authorization', auth);
    expect(bad.status).toBe(400);
    const unknown = await request(backend.server).get('/api/plugin-manager/readme').query({ package: 'left-pad' }).set('authorization', auth);
    expect(unknown.status).toBe(404);
  });

  it('lists the sources, with update available against the installed version and failing sources named', async () => {
    const res = await request(backend.server)
      .get('/api/plugin-manager/available')
      .set('authorization', mockCredentials.user.header('user:default/employee'));
    expect(res.status).toBe(200);
    const body = res.body as AvailableResponse;
    expect(body.packages).toEqual([
      // A frontend plugin the app depends on, and a library one of the installed packages pulls in.
      expect.objectContaining({ package: '@stacktalk/plugin-ci-status', installedVersion: '0.1.0', state: 'installed' }),
      expect.objectContaining({ package: '@stacktalk/plugin-ci-status-common', installedVersion: '0.1.0', state: 'installed' }),
      expect.objectContaining({ package: '@stacktalk/plugin-new-backend', latestVersion: '1.0.0', state: 'not-installed', annotations: ['stacktalk.io/new'], source: 'fixture registry' }),
      expect.objectContaining({ package: '@stacktalk/plugin-portal-status-backend', latestVersion: '0.2.0', installedVersion: '0.1.0', state: 'update-available' }),
    ]);
    expect(body.sources).toEqual([
      { name: 'fixture registry', ok: true, count: 4 },
      expect.objectContaining({ name: 'missing folder', ok: false, count: 0, error: expect.stringMatching(/does not exist/) }),
    ]);
  });

  it('answers 401 without a user and 403 to service principals, on every route', async () => {
    const routes: Array<['get' | 'post' | 'delete', string]> = [
      ['get', '/installed'], ['get', '/available'], ['get', '/changes'], ['get', '/readme?package=%40stacktalk%2Fplugin-plugin-manager-backend'],
      ['post', '/bundles?integrity=sha512-AAAA'], ['post', '/plugins/%40x%2Fy/install'], ['post', '/plugins/%40x%2Fy/disable'],
      ['post', '/plugins/%40x%2Fy/enable'], ['delete', '/plugins/%40x%2Fy'], ['post', '/restart'],
    ];
    for (const [method, route] of routes) {
      const anonymous = await request(backend.server)[method](`/api/plugin-manager${route}`);
      expect([route, anonymous.status]).toEqual([route, 401]);
      const machine = await request(backend.server)[method](`/api/plugin-manager${route}`).set('authorization', mockCredentials.service.header());
      expect([route, machine.status]).toEqual([route, 403]);
    }
  });

  it('refuses to restart without a supervisor (pluginManager.restart.enabled unset): 409', async () => {
    const res = await request(backend.server).post('/api/plugin-manager/restart').set('authorization', mockCredentials.user.header('user:default/admin'));
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/pluginManager.restart.enabled/);
  });
});

describe('plugin-manager backend, reading denied', () => {
  it('answers 403 when the policy denies plugins.read', async () => {
    const backend = await startTestBackend({
      features: [
        pluginManagerPlugin,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        mockServices.rootConfig.factory({ data: { pluginManager: { backendPackageDir: FIXTURE_BACKEND, sources: [] } } }),
      ],
    });
    try {
      for (const route of ['/installed', '/available', '/readme?package=x']) {
        const res = await request(backend.server).get(`/api/plugin-manager${route}`).set('authorization', mockCredentials.user.header());
        expect(res.status).toBe(403);
      }
    } finally {
      await backend.stop();
    }
  });
});
