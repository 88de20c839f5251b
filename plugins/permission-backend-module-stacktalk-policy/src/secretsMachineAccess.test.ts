import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { startSecretsBackend } from './__testUtils__/secretsBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ALICE = mockCredentials.user.header('user:default/alice'); // owns payments-api
const ROOT = mockCredentials.user.header('user:default/root'); // secrets admin
const E = '/api/secrets/entities/component/default/payments-api';
const S = (env: string, name: string) => `${E}/environments/${env}/secrets/${name}`;
/** Static external-access tokens reach plugins with the subject exactly as configured. */
const machine = (subject: string) => mockCredentials.service.header({ onBehalfOf: mockCredentials.service(subject), targetPluginId: 'secrets' });

const ENV: Record<string, string> = {
  SECRETS_EXPORT_TOKEN: 'ci-export-token-0123456789',
  BACKEND_API_TOKEN: 'backend-api-token-0123456789',
  SECRETS_KEY_ID: 'kek-test',
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
};

/** `app-config.production.yaml` as the backend reads it, with `${VAR}` from {@link ENV}. */
function productionConfig(): JsonObject {
  const text = readFileSync(join(__dirname, '../../../app-config.production.yaml'), 'utf8');
  return parse(text.replace(/\$\{(\w+)\}/g, (_m, name: string) => ENV[name] ?? `unset-${name}`));
}

describe.each(databases.eachSupportedId())('secrets machine access on %s', databaseId => {
  it('lets the CI token of app-config.production.yaml export through the real token handler, audited', async () => {
    const knex = await databases.init(databaseId);
    const prod = productionConfig() as any;
    const config = { backend: { auth: prod.backend.auth }, secrets: prod.secrets };
    // Secrets written by people (mock user tokens) on the same database and key...
    const people = await startSecretsBackend({ knex, config });
    await request(people.server).put(S('production', 'API_KEY')).set('Authorization', ROOT).send({ value: 'for-prod', expectedVersion: 0 }).expect(200);
    await request(people.server).put(S('staging', 'API_KEY')).set('Authorization', ALICE).send({ value: 'for-staging', expectedVersion: 0 }).expect(200);
    // ...exported by the pipeline with the static token, verified by Backstage's own handler.
    const { server } = await startSecretsBackend({ knex, config, realAuth: true });
    const bearer = `Bearer ${ENV.SECRETS_EXPORT_TOKEN}`;
    const prodExport = await request(server).get(`${E}/environments/production/export`).set('Authorization', bearer);
    expect([prodExport.status, prodExport.body.error?.message]).toEqual([200, undefined]);
    expect(prodExport.text).toContain(`"API_KEY": "${Buffer.from('for-prod').toString('base64')}"`);
    await request(server).get(`${E}/environments/staging/export`).set('Authorization', bearer).expect(200);
    // The same token may call nothing else; the other static token may not export.
    await request(server).get(`${E}/secrets`).set('Authorization', bearer).expect(403);
    await request(server).post(`${S('staging', 'API_KEY')}/reveal`).set('Authorization', bearer).expect(403);
    await request(server).get(`${E}/environments/staging/export`).set('Authorization', `Bearer ${ENV.BACKEND_API_TOKEN}`).expect(403);
    await request(server).get(`${E}/environments/staging/export`).set('Authorization', 'Bearer not-a-configured-token').expect(401);

    const events = (await request(people.server).get('/api/secrets/audit?action=export').set('Authorization', ROOT)).body.events;
    expect(events.filter((e: any) => e.actor === 'external:ci-deployer').map((e: any) => [e.environment, e.outcome])).toEqual([
      ['staging', 'allowed'],
      ['production', 'allowed'],
    ]);
    expect(events.find((e: any) => e.actor === 'external:ci-deployer').source).toMatch(/^API \(machine token\) from /);
  });

  it('grants a machine subject nothing by default, and production environments only when listed', async () => {
    const knex = await databases.init(databaseId);
    const machineAccess = [
      { subject: 'bare' },
      { subject: 'everything-but-prod', entities: ['*'], environments: ['*'] },
      { subject: 'prod-deployer', entities: ['component:default/payments-api'], environments: ['production'] },
    ];
    const { server } = await startSecretsBackend({ knex, config: { secrets: { machineAccess } } });
    const exportAs = (subject: string, env: string) => request(server).get(`${E}/environments/${env}/export`).set('Authorization', machine(subject));
    for (const env of ['development', 'staging', 'production']) await exportAs('bare', env).expect(403);
    await exportAs('everything-but-prod', 'development').expect(200);
    await exportAs('everything-but-prod', 'staging').expect(200);
    const refused = await exportAs('everything-but-prod', 'production').expect(403);
    expect(refused.body.error.message).toBe(
      'everything-but-prod may not export secrets of component:default/payments-api in production: a production environment must be listed by name in secrets.machineAccess',
    );
    await exportAs('prod-deployer', 'production').expect(200);
    await exportAs('prod-deployer', 'staging').expect(403);
    await request(server).get('/api/secrets/entities/component/default/voice-gateway/environments/production/export').set('Authorization', machine('prod-deployer')).expect(403);
  });
});
