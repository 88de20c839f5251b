/**
 * Integration test: boots the real backend with app-config.production.yaml against the
 * node-svc PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379), as a child process, the way
 * it is started in production. Kubernetes points at the fixture API server, Keycloak at the
 * fixture Keycloak (oidc-provider at Keycloak's paths, examples/fixtures/keycloak-oidc).
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { startKubernetesFixture, type KubernetesFixture } from './__testUtils__/kubernetesFixture';
import { SignJWT } from 'jose';
import {
  FIXTURE_KID,
  startFixtureKeycloak,
  type FixtureKeycloak,
} from '@stacktalk/plugin-auth-backend-module-keycloak-js-provider/testUtils';

const ROOT = resolve(__dirname, '../../..');
const PORT = 7017;
const BASE = `http://localhost:${PORT}`;
const TOKEN = randomBytes(24).toString('hex');
/** A test-only token that may read TechDocs (the production API token reads the catalog only). */
const DOCS_TOKEN = randomBytes(24).toString('hex');
const PREFIX = `stacktalk_it_${randomBytes(3).toString('hex')}_`;
const REDIS_URL = process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

jest.setTimeout(180_000);

function psql(sql: string) {
  const res = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-At', '-c', sql], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`psql failed: ${res.stderr}`);
  return res.stdout.trim();
}
function redisCli(...args: string[]) {
  const url = new URL(REDIS_URL);
  const res = spawnSync('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', ...args], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`redis-cli failed: ${res.stderr}`);
  return res.stdout.trim();
}

function startBackend(env: NodeJS.ProcessEnv, configs: string[]) {
  const child = spawn(
    process.execPath,
    ['--require', '@backstage/cli/config/nodeTransform.cjs', 'packages/backend', ...configs.flatMap(c => ['--config', c])],
    { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', d => (output += d));
  child.stderr!.on('data', d => (output += d));
  const exited = new Promise<number>(r => child.on('exit', code => r(code ?? -1)));
  return { child, exited, output: () => output };
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}

describe('production configuration (PostgreSQL + Redis)', () => {
  let fixture: KubernetesFixture;
  let keycloak: FixtureKeycloak;
  let backend: { child: ChildProcess; exited: Promise<number>; output(): string };
  let env: NodeJS.ProcessEnv;
  const work = mkdtempSync(join(tmpdir(), 'stacktalk-prod-'));
  const overlay = join(work, 'app-config.test.yaml');
  const techdocsDir = join(work, 'techdocs');

  beforeAll(async () => {
    fixture = await startKubernetesFixture();
    // Sign-in and, at the same URL, the Admin REST API the Keycloak org provider reads.
    keycloak = await startFixtureKeycloak({ adminApi: true });
    // A published TechDocs page, so the docs route has something to serve (and cache).
    mkdirSync(join(techdocsDir, 'default/component/stacktalk-portal'), { recursive: true });
    writeFileSync(join(techdocsDir, 'default/component/stacktalk-portal/index.html'), '<h1>StackTalk Portal</h1>');
    // What a test run must isolate (its own port and database names), and a token of its own
    // for TechDocs next to production's external-access entries, kept as they are.
    const production = parse(readFileSync(resolve(ROOT, 'app-config.production.yaml'), 'utf8'));
    const docsReader = {
      type: 'static',
      options: { token: DOCS_TOKEN, subject: 'test-docs-reader' },
      accessRestrictions: [{ plugin: 'techdocs' }, { plugin: 'catalog' }],
    };
    writeFileSync(
      overlay,
      stringify({
        backend: {
          listen: `:${PORT}`,
          database: { prefix: PREFIX },
          auth: { externalAccess: [...production.backend.auth.externalAccess, docsReader] },
        },
      }),
    );
    env = {
      APP_BASE_URL: BASE,
      BACKEND_BASE_URL: BASE,
      BACKEND_API_TOKEN: TOKEN,
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '5432',
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: 'unused-with-trust-auth',
      REDIS_URL,
      TECHDOCS_DIR: techdocsDir,
      DOKS_CLUSTER_NAME: 'doks-fixture',
      DOKS_CLUSTER_URL: fixture.url,
      DOKS_SERVICE_ACCOUNT_TOKEN: 'fixture-token',
      DOKS_CA_DATA: Buffer.from('fixture CA, unused over http').toString('base64'),
      SECRETS_KEY_ID: 'prod-test-1',
      SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      SECRETS_EXPORT_TOKEN: 'ci-export-token-for-tests',
      GITHUB_TOKEN: 'fixture-token',
      CI_STATUS_WEBHOOK_SECRET: 'ci-webhook-secret-for-tests',
      KEYCLOAK_URL: keycloak.url,
      KEYCLOAK_REALM: keycloak.realm,
      KEYCLOAK_CLIENT_ID: keycloak.clientId,
      // The example realm's service-account client (examples/keycloak/stacktalk-realm.json).
      KEYCLOAK_CATALOG_CLIENT_ID: 'stacktalk-portal-catalog',
      KEYCLOAK_CATALOG_CLIENT_SECRET: 'stacktalk-example-catalog-secret',
    };
    backend = startBackend(env, ['app-config.yaml', 'app-config.production.yaml', overlay]);
    await poll('readiness', async () => {
      const code = await Promise.race([backend.exited, new Promise(r => setTimeout(r, 10))]);
      if (typeof code === 'number') throw new Error(`backend exited ${code}:\n${backend.output()}`);
      const res = await fetch(`${BASE}/.backstage/health/v1/readiness`);
      return res.ok ? true : undefined;
    }).catch(e => {
      throw new Error(`${e.message}\n${backend.output().slice(-4000)}`);
    });
  });

  afterAll(async () => {
    backend?.child.kill('SIGTERM');
    await backend?.exited;
    await fixture?.close();
    await keycloak?.close();
    for (const db of psql(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`).split('\n').filter(Boolean)) {
      psql(`DROP DATABASE "${db}" WITH (FORCE)`);
    }
  });

  const api = (path: string, init: RequestInit = {}, token = TOKEN) =>
    fetch(`${BASE}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });

  it('is healthy', async () => {
    expect((await fetch(`${BASE}/.backstage/health/v1/liveness`)).status).toBe(200);
    expect((await fetch(`${BASE}/.backstage/health/v1/readiness`)).status).toBe(200);
  });

  it('stores the catalog in PostgreSQL, one database per plugin', async () => {
    const entity = await poll('the catalog to process catalog-info.yaml', async () => {
      const res = await api('/api/catalog/entities/by-name/component/default/stacktalk-portal');
      return res.ok ? res.json() : undefined;
    });
    expect(entity.spec.owner).toBe('group:default/platform');
    const databases = psql(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`);
    expect(databases).toContain(`${PREFIX}catalog`);
    const rows = psql(`SELECT count(*) FROM pg_database WHERE datname = '${PREFIX}catalog'`);
    expect(rows).toBe('1');
  });

  it('takes the organisation from the Keycloak realm (org provider), never the example one', async () => {
    await poll('the catalog to read the realm', async () => {
      const res = await api('/api/catalog/entities/by-name/user/default/bruno.silva');
      return res.ok ? true : undefined;
    });
    const names = async (kind: string) =>
      ((await (await api(`/api/catalog/entities?filter=kind=${kind}`)).json()) as { metadata: { name: string } }[])
        .map(e => e.metadata.name)
        .sort();
    const realm = JSON.parse(readFileSync(resolve(ROOT, 'examples/keycloak/stacktalk-realm.json'), 'utf8'));
    const people = await poll('every realm user', async () => {
      const users = await names('user');
      return users.length === 13 ? users : undefined;
    });
    expect(people).toEqual(
      (realm.users as { username: string; serviceAccountClientId?: string }[])
        .filter(u => !u.serviceAccountClientId)
        .map(u => u.username)
        .sort(),
    );
    expect(await names('group')).toEqual((realm.groups as { name: string }[]).map(g => g.name).sort());
    const bruno = await (await api('/api/catalog/entities/by-name/user/default/bruno.silva')).json();
    expect([...bruno.spec.memberOf].sort()).toEqual(['platform', 'platform-admins', 'secrets-admins']);
    expect((await api('/api/catalog/entities/by-name/location/default/stacktalk-examples')).status).toBe(404);
  });

  it('lets the API token read the catalog and call nothing else', async () => {
    expect((await api('/api/catalog/entities?limit=1')).status).toBe(200);
    const json = { 'Content-Type': 'application/json' };
    const refused = {
      kubernetesProxy: await api('/api/kubernetes/proxy/api/v1/namespaces/stacktalk/secrets', {
        headers: { 'Backstage-Kubernetes-Cluster': 'doks-fixture' },
      }),
      kubernetesClusters: await api('/api/kubernetes/clusters'),
      secrets: await api('/api/secrets/environments'),
      registerLocation: await api('/api/catalog/locations', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ type: 'url', target: 'https://github.com/stacktalk/evil/blob/main/catalog-info.yaml' }),
      }),
      refresh: await api('/api/catalog/refresh', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ entityRef: 'component:default/stacktalk-portal' }),
      }),
    };
    expect(Object.fromEntries(Object.entries(refused).map(([k, r]) => [k, r.status]))).toEqual({
      kubernetesProxy: 403,
      kubernetesClusters: 403,
      secrets: 403,
      registerLocation: 403,
      refresh: 403,
    });
    expect(fixture.requests().filter(r => r.includes('/secrets'))).toEqual([]);
  });

  it('lets the app connect only to itself, its backend and Keycloak (Content-Security-Policy)', async () => {
    const csp = (await fetch(`${BASE}/`)).headers.get('content-security-policy') ?? '';
    const directive = (wanted: string) =>
      csp
        .split(';')
        .map(d => d.trim().split(/\s+/))
        .find(([name]) => name === wanted)
        ?.slice(1);
    expect(new Set(directive('connect-src'))).toEqual(new Set(["'self'", BASE, keycloak.url]));
    expect(new Set(directive('frame-src'))).toEqual(new Set(["'self'", keycloak.url]));
  });

  /** A Keycloak access token the realm's key signs, with the groups a test wants. */
  async function keycloakToken(username: string, groups: string[]) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: keycloak.issuer,
      aud: keycloak.clientId,
      azp: keycloak.clientId,
      sub: username,
      preferred_username: username,
      groups,
      iat: now,
      exp: now + 300,
    })
      .setProtectedHeader({ alg: 'RS256', kid: FIXTURE_KID })
      .sign(keycloak.privateKey);
  }
  async function backstageToken(username: string, groups: string[]): Promise<string> {
    const res = await fetch(`${BASE}/api/auth/keycloakJs/refresh`, {
      headers: { Authorization: `Bearer ${await keycloakToken(username, groups)}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()).backstageIdentity.token;
  }

  it('signs in a realm user (a User from the org provider) through the login form, and refuses one the catalog lacks', async () => {
    await poll('the organisation', async () => ((await api('/api/catalog/entities/by-name/user/default/bruno.silva')).ok ? true : undefined));
    const bruno = await keycloak.signIn('bruno.silva');
    const signIn = await fetch(`${BASE}/api/auth/keycloakJs/refresh`, { headers: { Authorization: `Bearer ${bruno}` } });
    expect(signIn.status).toBe(200);
    const { identity } = (await signIn.json()).backstageIdentity;
    expect(identity.userEntityRef).toBe('user:default/bruno.silva');
    // The realm groups from the catalog (platform, platform-admins, secrets-admins) and the mapping's.
    expect(identity.ownershipEntityRefs.sort()).toEqual([
      'group:default/platform',
      'group:default/platform-admins',
      'group:default/secrets-admins',
      'user:default/bruno.silva',
    ]);

    // A validly signed token for someone the realm (and so the catalog) does not have.
    const mallory = await keycloakToken('mallory', ['platform-admins']);
    const refused = await fetch(`${BASE}/api/auth/keycloakJs/refresh`, { headers: { Authorization: `Bearer ${mallory}` } });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.message).toMatch(/mallory has no User/);
    // The development sign-in is not there in production.
    expect((await fetch(`${BASE}/api/auth/exampleUser/refresh`)).status).toBe(404);
  });

  it('gives a Keycloak platform-admins member and a plain owner the decisions of the mapping, through the real routes', async () => {
    await poll('the organisation', async () => ((await api('/api/catalog/entities/by-name/user/default/ada.okafor')).ok ? true : undefined));
    const admin = await backstageToken('bruno.silva', ['platform-admins']);
    // ada.okafor is in the realm's platform group (so the catalog's), not an admin.
    const owner = await backstageToken('ada.okafor', ['some-other-keycloak-group']);
    const authorize = async (token: string, name: string, resourceRef?: string) => {
      const res = await api(
        '/api/permission/authorize',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            items: [{ id: '1', permission: { type: resourceRef ? 'resource' : 'basic', name, attributes: {}, ...(resourceRef ? { resourceType: 'catalog-entity' } : {}) }, resourceRef }],
          }),
        },
        token,
      );
      expect(res.status).toBe(200);
      return (await res.json()).items[0].result;
    };
    // platform-admins → the portal admins: the Kubernetes proxy and every report.
    expect(await authorize(admin, 'kubernetes.proxy')).toBe('ALLOW');
    expect(await authorize(admin, 'reports.admin')).toBe('ALLOW');
    expect(await authorize(owner, 'kubernetes.proxy')).toBe('DENY');
    expect(await authorize(owner, 'reports.admin')).toBe('DENY');
    // Owners act on their own entities (the catalog group platform owns stacktalk-portal).
    expect(await authorize(owner, 'catalog.entity.delete', 'component:default/stacktalk-portal')).toBe('ALLOW');
    // The Kubernetes proxy itself: refused to the owner before the cluster is asked, open to the admin.
    const proxy = (token: string) =>
      api('/api/kubernetes/proxy/api/v1/namespaces/stacktalk/pods', { headers: { 'Backstage-Kubernetes-Cluster': 'doks-fixture' } }, token);
    expect((await proxy(owner)).status).toBe(403);
    expect((await proxy(admin)).status).toBe(200);
  });

  it('rejects API calls without the machine token', async () => {
    expect((await fetch(`${BASE}/api/catalog/entities?limit=1`)).status).toBe(401);
  });

  it('caches in Redis', async () => {
    const page = 'default/component/stacktalk-portal/index.html';
    // TechDocs keeps each served page in the cache service under its base64 path.
    const cacheKey = `techdocs:${Buffer.from(page).toString('base64')}`;
    expect(redisCli('EXISTS', cacheKey)).toBe('0');
    const first = await poll('the docs page', async () => {
      const res = await api(`/api/techdocs/static/docs/${page}`, {}, DOCS_TOKEN);
      return res.ok ? res.text() : undefined;
    });
    expect(first).toContain('StackTalk Portal');
    await poll('the Redis cache entry', async () => (redisCli('EXISTS', cacheKey) === '1' ? true : undefined), 15_000);
    redisCli('DEL', cacheKey);
  });

  it('fails to start, naming each Keycloak variable that is missing', async () => {
    const broken = startBackend(
      { ...env, KEYCLOAK_URL: '', KEYCLOAK_REALM: '', KEYCLOAK_CLIENT_ID: '', KEYCLOAK_CATALOG_CLIENT_ID: '', KEYCLOAK_CATALOG_CLIENT_SECRET: '' },
      ['app-config.yaml', 'app-config.production.yaml', overlay],
    );
    expect(await broken.exited).not.toBe(0);
    for (const name of ['KEYCLOAK_URL', 'KEYCLOAK_REALM', 'KEYCLOAK_CLIENT_ID', 'KEYCLOAK_CATALOG_CLIENT_ID', 'KEYCLOAK_CATALOG_CLIENT_SECRET']) {
      expect(broken.output()).toMatch(new RegExp(`${name} \\(app-config\\.production\\.yaml:\\d+\\)`));
    }
  });

  it('fails to start, naming the variable, when a required one is missing', async () => {
    const { POSTGRES_HOST, ...withoutHost } = env;
    const broken = startBackend(
      { ...withoutHost, POSTGRES_HOST: '' },
      ['app-config.yaml', 'app-config.production.yaml', overlay],
    );
    expect(await broken.exited).not.toBe(0);
    expect(broken.output()).toMatch(/Missing required environment variable[\s\S]*POSTGRES_HOST \(app-config\.production\.yaml:\d+\)/);
  });
});
