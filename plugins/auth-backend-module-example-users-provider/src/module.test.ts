import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import authPlugin from '@backstage/plugin-auth-backend';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse, parseAllDocuments } from 'yaml';
import { EXAMPLE_USER_HEADER } from './authenticator';
import { authModuleExampleUserProvider } from './module';

const ROOT = resolve(__dirname, '../../..');

/** The example organisation, with the memberOf relations the catalog would add. */
function exampleOrg(): Entity[] {
  const entities = parseAllDocuments(readFileSync(resolve(ROOT, 'examples/org/org.yaml'), 'utf8')).map(
    d => d.toJSON() as Entity,
  );
  return entities.map(e => ({
    ...e,
    metadata: { ...e.metadata, namespace: 'default' },
    relations: ((e.spec?.memberOf as string[] | undefined) ?? []).map(g => ({
      type: 'memberOf',
      targetRef: `group:default/${g}`,
    })),
  }));
}

function configFile(name: string) {
  return parse(readFileSync(resolve(ROOT, name), 'utf8'));
}

async function startAuth(auth: object) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleExampleUserProvider,
      catalogServiceMock.factory({ entities: exampleOrg() }),
      mockServices.rootConfig.factory({
        data: { app: { baseUrl: 'http://localhost:3000' }, auth },
      }),
    ],
  });
  return server;
}

describe('sign-in as an example user', () => {
  it('with the embedded default (app-config.yaml) lists the example users and signs in as the chosen one', async () => {
    const server = await startAuth(configFile('app-config.yaml').auth);

    const list = await request(server).get('/api/auth/example-users');
    expect(list.status).toBe(200);
    expect(list.body.defaultUserRef).toBe('user:default/ada.okafor');
    const bruno = list.body.users.find((u: { name: string }) => u.name === 'bruno.silva');
    expect(bruno).toMatchObject({ entityRef: 'user:default/bruno.silva', displayName: 'Bruno Silva' });
    expect(bruno.groups.map((g: { title: string }) => g.title)).toEqual(['Platform', 'Secrets administrators']);

    const signIn = await request(server).get('/api/auth/exampleUser/refresh').set(EXAMPLE_USER_HEADER, 'bruno.silva');
    expect(signIn.status).toBe(200);
    expect(signIn.body.backstageIdentity.identity.userEntityRef).toBe('user:default/bruno.silva');
  });

  it('refuses a missing or malformed user name with 400 and a user the catalog lacks', async () => {
    const server = await startAuth(configFile('app-config.yaml').auth);
    const none = await request(server).get('/api/auth/exampleUser/refresh');
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/Missing x-stacktalk-example-user header/);
    const bad = await request(server).get('/api/auth/exampleUser/refresh').set(EXAMPLE_USER_HEADER, '../admin');
    expect(bad.status).toBe(400);
    const unknown = await request(server).get('/api/auth/exampleUser/refresh').set(EXAMPLE_USER_HEADER, 'mallory');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.name).toBe('NotFoundError');
  });

  it('cannot be enabled in production: app-config.yaml layered with app-config.production.yaml offers neither the list nor the sign-in', async () => {
    const auth = { ...configFile('app-config.yaml').auth, ...configFile('app-config.production.yaml').auth };
    auth.providers = { ...configFile('app-config.yaml').auth.providers, ...configFile('app-config.production.yaml').auth.providers };
    expect(auth.environment).toBe('production');
    expect(auth.providers.exampleUser).toBeDefined(); // inherited from the embedded default
    const server = await startAuth(auth);
    expect((await request(server).get('/api/auth/example-users')).status).toBe(404);
    const signIn = await request(server).get('/api/auth/exampleUser/refresh').set(EXAMPLE_USER_HEADER, 'bruno.silva');
    expect(signIn.status).toBe(404);
  });

  it('is off unless configured', async () => {
    const server = await startAuth({ environment: 'development', providers: {} });
    expect((await request(server).get('/api/auth/example-users')).status).toBe(404);
  });
});
