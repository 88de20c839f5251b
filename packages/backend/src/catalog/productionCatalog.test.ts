/**
 * The catalog block of app-config.production.yaml, run by the real catalog backend with the
 * community Keycloak org provider against the FIXTURE Keycloak Admin REST API
 * (examples/fixtures/keycloak-admin, serving examples/keycloak/stacktalk-realm.json): people and
 * groups come only from the Keycloak realm, with their memberships; a location registered by
 * anyone (here: a file) may add software, never a User or a Group. The realm's groups are the
 * ones the permission configuration names.
 */
import type { JsonObject } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCatalog, REPO_ROOT, type LoadedCatalog } from './__testUtils__/loadCatalog';
import { startFixtureKeycloakAdmin, type FixtureKeycloakAdmin } from './__testUtils__/keycloakAdminFixture';

jest.setTimeout(120_000);

const productionConfig = parse(readFileSync(resolve(REPO_ROOT, 'app-config.production.yaml'), 'utf8'));
const production = productionConfig.catalog as {
  rules: JsonObject[];
  locations: (JsonObject & { target: string })[];
  providers: JsonObject;
};
const realmExport = JSON.parse(readFileSync(resolve(REPO_ROOT, 'examples/keycloak/stacktalk-realm.json'), 'utf8'));
const catalogClient = realmExport.clients.find((c: { clientId: string }) => c.clientId === 'stacktalk-portal-catalog');

/** `${VAR}` replaced as Backstage does from the environment. */
const substitute = (value: unknown, env: Record<string, string>) =>
  JSON.parse(JSON.stringify(value).replace(/\$\{([A-Z_]+)\}/g, (_, name) => {
    if (!(name in env)) throw new Error(`test does not set ${name}`);
    return env[name];
  }));

const doc = (kind: string, name: string, spec: object) =>
  stringify({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name }, spec });

describe('the production catalog configuration', () => {
  it('never loads the example organisation, nor any organisation file', () => {
    expect(production.locations.map(l => l.target)).toEqual(['./catalog-info.yaml']);
    expect(Object.keys(production.providers)).toEqual(['keycloakOrg']);
  });

  describe('loaded by the real catalog backend with the Keycloak org provider (fixture Admin API)', () => {
    let catalog: LoadedCatalog;
    let keycloak: FixtureKeycloakAdmin;
    const dir = mkdtempSync(join(tmpdir(), 'stacktalk-org-'));
    beforeAll(async () => {
      keycloak = await startFixtureKeycloakAdmin();
      writeFileSync(
        join(dir, 'registered.yaml'),
        [
          doc('Group', 'fake-admins', { type: 'team', children: [] }),
          doc('User', 'mallory', { memberOf: ['platform-admins'] }),
          doc('Component', 'payments-api', { type: 'service', lifecycle: 'production', owner: 'group:default/platform' }),
        ].join('---\n'),
      );
      const env = {
        KEYCLOAK_URL: keycloak.baseUrl,
        KEYCLOAK_REALM: realmExport.realm,
        KEYCLOAK_CATALOG_CLIENT_ID: catalogClient.clientId,
        KEYCLOAK_CATALOG_CLIENT_SECRET: catalogClient.secret,
      };
      // The configured locations with the repository's relative paths resolved, plus a file as
      // a registered location would be.
      const locations = production.locations.map(l => ({ ...l, target: resolve(REPO_ROOT, l.target) }));
      catalog = await loadCatalog(
        [join(dir, 'registered.yaml')],
        { rules: substitute(production.rules, env), locations, providers: substitute(production.providers, env) },
        [require('@backstage-community/plugin-catalog-backend-module-keycloak').default],
      );
    });
    afterAll(async () => {
      await catalog?.stop();
      await keycloak?.close();
    });

    const ofKind = (kind: string) => catalog.entities.filter(e => e.kind === kind);
    const names = (kind: string) => ofKind(kind).map(e => e.metadata.name).sort();
    const byName = (kind: string, name: string): Entity => {
      const entity = ofKind(kind).find(e => e.metadata.name === name);
      if (!entity) throw new Error(`no ${kind} ${name} in the catalog`);
      return entity;
    };
    const realmUsers = realmExport.users.filter((u: { serviceAccountClientId?: string }) => !u.serviceAccountClientId);

    it('reads the realm through the Admin REST API with the service account', async () => {
      const requests = await keycloak.requests();
      expect(requests[0]).toBe(`POST /realms/${realmExport.realm}/protocol/openid-connect/token`);
      expect(requests).toEqual(expect.arrayContaining([
        `GET /admin/realms/${realmExport.realm}/users/count`,
        `GET /admin/realms/${realmExport.realm}/groups/count`,
        expect.stringMatching(/^GET \/admin\/realms\/stacktalk\/groups\/[0-9a-f-]+\/members$/),
      ]));
    });

    it("takes Users and Groups from the realm, and only from there", () => {
      expect(names('User')).toEqual(realmUsers.map((u: { username: string }) => u.username).sort());
      expect(names('Group')).toEqual(realmExport.groups.map((g: { name: string }) => g.name).sort());
      expect(byName('User', 'bruno.silva').metadata.annotations).toMatchObject({
        'backstage.io/managed-by-location': expect.stringMatching(new RegExp(`^url:${keycloak.baseUrl}/admin/realms/stacktalk/users/`)),
      });
    });

    it('with the realm memberships, both ways', () => {
      for (const user of realmUsers as { username: string; groups?: string[] }[]) {
        const entity = byName('User', user.username);
        const expected = (user.groups ?? []).map(p => p.replace(/^\//, '')).sort();
        expect([user.username, [...((entity.spec?.memberOf as string[]) ?? [])].sort()]).toEqual([user.username, expected]);
        expect(
          (entity.relations ?? []).filter(r => r.type === 'memberOf').map(r => r.targetRef).sort(),
        ).toEqual(expected.map(g => `group:default/${g}`));
      }
      const admins = byName('Group', 'platform-admins');
      expect(admins.spec?.members).toEqual(['bruno.silva']);
      expect((admins.relations ?? []).filter(r => r.type === 'hasMember').map(r => r.targetRef)).toEqual(['user:default/bruno.silva']);
    });

    it('has every group the permission configuration names', () => {
      const appConfig = parse(readFileSync(resolve(REPO_ROOT, 'app-config.yaml'), 'utf8'));
      const mapped = productionConfig.auth.providers.keycloakJs.mappedOwnership as Record<string, Record<string, string[]>>;
      const named = new Set<string>([
        ...productionConfig.permission.stacktalk.adminGroups,
        ...(productionConfig.secrets?.adminGroups ?? appConfig.secrets.adminGroups),
        ...Object.values(mapped).flatMap(m => Object.values(m).flat()),
      ]);
      expect(named.size).toBeGreaterThan(1);
      // …and the Keycloak groups the mapping reads are the realm's.
      expect(Object.keys(mapped.groups).every(g => names('Group').includes(g))).toBe(true);
      expect([...named].filter(ref => !names('Group').map(n => `group:default/${n}`).includes(ref))).toEqual([]);
    });

    it('refuses them from any other location, and says so (the catalog then refuses that whole file)', () => {
      expect(names('Component')).toEqual(['stacktalk-portal']);
      // The catalog stops at the first entity of a kind the location may not hold.
      expect(catalog.errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^Entity (group:default\/fake-admins|user:default\/mallory) .* is not of an allowed kind for that location$/),
      ]);
    });
  });
});
