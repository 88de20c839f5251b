import { coreServices, createServiceFactory, type LoggerService } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignJWT, exportSPKI, type JWTPayload } from 'jose';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { generateKeyPairSync } from 'node:crypto';
import { FIXTURE_KID, startFixtureKeycloak, type FixtureKeycloak } from './fixture/fixtureKeycloak';
import { authModuleKeycloakJsProvider } from './module';

const ROOT = resolve(__dirname, '../../..');
const REFRESH = '/api/auth/keycloakJs/refresh';

/** The example organisation, with the memberOf relations the catalog would add. */
function exampleOrg(): Entity[] {
  return parseAllDocuments(readFileSync(resolve(ROOT, 'examples/org/org.yaml'), 'utf8'))
    .map(d => d.toJSON() as Entity)
    .map(e => ({
      ...e,
      metadata: { ...e.metadata, namespace: 'default' },
      relations: ((e.spec?.memberOf as string[] | undefined) ?? []).map(g => ({ type: 'memberOf', targetRef: `group:default/${g}` })),
    }));
}

/** Every log line, to check that each refusal says why. */
function capturingLogger(lines: string[]) {
  const logger: LoggerService = {
    info: m => void lines.push(`info ${m}`),
    warn: m => void lines.push(`warn ${m}`),
    error: m => void lines.push(`error ${m}`),
    debug: () => {},
    child: () => logger,
  };
  return createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => ({ ...logger, child: () => logger }) });
}

let kc: FixtureKeycloak;
beforeAll(async () => {
  kc = await startFixtureKeycloak();
}, 30_000);
afterAll(() => kc?.close());

async function startAuth(provider: object = {}, lines: string[] = []) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleKeycloakJsProvider,
      catalogServiceMock.factory({ entities: exampleOrg() }),
      capturingLogger(lines),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:7017' },
          auth: {
            environment: 'production',
            keycloak: { url: kc.url, realm: kc.realm, clientId: kc.clientId },
            providers: {
              keycloakJs: {
                audience: 'stacktalk-portal',
                mappedOwnership: {
                  groups: { 'platform-admins': ['group:default/platform-admins'] },
                  realmRoles: { 'portal-admin': ['group:default/platform-admins'] },
                },
                ...provider,
              },
            },
          },
        },
      }),
    ],
  });
  return server;
}

/** A token as Keycloak would sign it for the portal, with the given changes. */
function forge(changes: JWTPayload = {}, key = kc.privateKey, kid = FIXTURE_KID) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: kc.issuer,
    aud: 'stacktalk-portal',
    azp: 'stacktalk-portal',
    sub: 'bruno.silva',
    preferred_username: 'bruno.silva',
    iat: now,
    exp: now + 300,
    ...changes,
  })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(key);
}

describe('sign-in with a Keycloak access token', () => {
  it('signs in through the login form as the catalog user, owning catalog groups and mapped Keycloak groups', async () => {
    const server = await startAuth();
    const token = await kc.signIn('bruno.silva');
    const res = await request(server).get(REFRESH).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity.userEntityRef).toBe('user:default/bruno.silva');
    expect(res.body.backstageIdentity.identity.ownershipEntityRefs).toEqual(
      expect.arrayContaining(['user:default/bruno.silva', 'group:default/platform', 'group:default/secrets-admins', 'group:default/platform-admins']),
    );
    expect(res.body.profile).toMatchObject({ email: 'bruno.silva@stacktalk.example', displayName: 'Bruno Silva' });

    const plain = await request(server).get(REFRESH).set('authorization', `Bearer ${await kc.signIn('chen.wei')}`);
    expect(plain.body.backstageIdentity.identity.ownershipEntityRefs.sort()).toEqual(['group:default/streaming', 'user:default/chen.wei']);
  }, 30_000);

  it('finds the user by e-mail when configured so', async () => {
    const server = await startAuth({ userClaim: 'email' });
    const token = await forge({ preferred_username: 'somebody-else', email: 'ada.okafor@stacktalk.example' });
    const res = await request(server).get(REFRESH).set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity.userEntityRef).toBe('user:default/ada.okafor');
  });

  it('refuses a Keycloak user the catalog lacks with 401, or gives a minimal identity when configured', async () => {
    const lines: string[] = [];
    const token = await kc.signIn('zoe.contractor');
    const refused = await request(await startAuth({}, lines)).get(REFRESH).set('authorization', `Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/zoe.contractor has no User in the portal's catalog/);
    expect(lines.join('\n')).toMatch(/refused for zoe.contractor: no User in the catalog/);

    const minimal = await request(await startAuth({ unknownUser: 'minimal' })).get(REFRESH).set('authorization', `Bearer ${token}`);
    expect(minimal.status).toBe(200);
    expect(minimal.body.backstageIdentity.identity).toMatchObject({
      userEntityRef: 'user:default/zoe.contractor',
      ownershipEntityRefs: ['user:default/zoe.contractor'],
    });
  }, 30_000);

  const now = () => Math.floor(Date.now() / 1000);
  const refusals: [string, () => Promise<string>, RegExp][] = [
    ['wrong issuer', () => forge({ iss: 'http://localhost:1/realms/stacktalk' }), /wrong issuer/],
    ['wrong audience', () => forge({ aud: 'account' }), /wrong audience/],
    ['another client (azp)', () => forge({ azp: 'other-app' }), /another client \(azp\)/],
    ['expired beyond the skew', () => forge({ iat: now() - 600, exp: now() - 31 }), /expired/],
    ['not yet valid beyond the skew', () => forge({ nbf: now() + 60 }), /not yet valid/],
    ['bad signature', async () => { const [h, , s] = (await forge()).split('.'); const p = Buffer.from(JSON.stringify({ iss: kc.issuer, aud: 'stacktalk-portal', azp: 'stacktalk-portal', sub: 'bruno.silva', preferred_username: 'bruno.silva', iat: now(), exp: now() + 300, groups: ['platform-admins'] })).toString('base64url'); return `${h}.${p}.${s}`; }, /bad signature/],
    ['alg none', async () => { const [, p] = (await forge()).split('.'); return `${Buffer.from(JSON.stringify({ alg: 'none', kid: FIXTURE_KID })).toString('base64url')}.${p}.`; }, /algorithm not allowed/],
    ['HS256 signed with the public key', async () => new SignJWT({ iss: kc.issuer, aud: 'stacktalk-portal', azp: 'stacktalk-portal', sub: 'bruno.silva', preferred_username: 'bruno.silva', iat: now(), exp: now() + 300 }).setProtectedHeader({ alg: 'HS256', kid: FIXTURE_KID }).sign(new TextEncoder().encode(await exportSPKI(kc.publicKey))), /algorithm not allowed/],
    ['a key not in the JWKS', () => forge({}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'attacker-key'), /key not in the realm JWKS/],
    ['a key not in the JWKS under the realm key id', () => forge({}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey), /bad signature/],
    ['not a JWT', async () => 'not-a-token', /malformed token/],
  ];

  it.each(refusals)('refuses %s with 401 and a log line saying why', async (_name, token, why) => {
    const lines: string[] = [];
    const res = await request(await startAuth({}, lines)).get(REFRESH).set('authorization', `Bearer ${await token()}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ name: 'AuthenticationError' });
    expect(res.body.error.message).toMatch(why);
    expect(lines.filter(l => l.startsWith('warn')).join('\n')).toMatch(why);
  });

  it('accepts exp and nbf within the 30 s clock skew', async () => {
    const server = await startAuth();
    const res = await request(server).get(REFRESH).set('authorization', `Bearer ${await forge({ exp: now() - 10, nbf: now() + 10 })}`);
    expect(res.status).toBe(200);
  });

  it('refuses a request without a bearer token', async () => {
    const res = await request(await startAuth()).get(REFRESH);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/Missing Keycloak access token/);
  });

  it('caches the realm keys and refetches them at most once per cooldown for unknown key ids', async () => {
    const server = await startAuth();
    const before = await kc.jwksRequests();
    for (let i = 0; i < 3; i++) {
      expect((await request(server).get(REFRESH).set('authorization', `Bearer ${await forge()}`)).status).toBe(200);
    }
    expect((await kc.jwksRequests()) - before).toBe(1);
    for (let i = 0; i < 5; i++) {
      const stranger = await forge({}, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, `rotated-${i}`);
      expect((await request(server).get(REFRESH).set('authorization', `Bearer ${stranger}`)).status).toBe(401);
    }
    expect((await kc.jwksRequests()) - before).toBe(1);
  });
});
