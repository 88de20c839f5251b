import { coreServices, createServiceFactory, type LoggerService } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import type { JsonObject } from '@backstage/config';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import secretsPlugin from '@stacktalk/plugin-secrets-backend';
import { StackTalkPermissionPolicy } from '../StackTalkPermissionPolicy';

export const ADMIN_GROUP = 'group:default/secrets-admins';

/** Who is in which group: the ownership refs the user-info service returns. */
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/alice': ['group:default/payments-team'],
  'user:default/bob': ['group:default/voice-team'],
  'user:default/root': [ADMIN_GROUP],
};

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

export const ENTITIES = [component('payments-api', 'group:default/payments-team'), component('voice-gateway', 'group:default/voice-team')];

/** Every line any plugin logs, at debug level, with its metadata. */
export class CapturingLogger implements LoggerService {
  constructor(readonly lines: string[] = []) {}
  private push(level: string, message: string, meta?: unknown) {
    this.lines.push(`${level} ${message} ${meta === undefined ? '' : JSON.stringify(meta, (_k, v) => (v instanceof Error ? { ...v, message: v.message, stack: v.stack } : v))}`);
  }
  error(m: string, meta?: unknown) { this.push('error', m, meta); }
  warn(m: string, meta?: unknown) { this.push('warn', m, meta); }
  info(m: string, meta?: unknown) { this.push('info', m, meta); }
  debug(m: string, meta?: unknown) { this.push('debug', m, meta); }
  child(meta: unknown) { this.push('child', '', meta); return this; }
}

/**
 * The real secrets plugin with the portal's real policy: permission requests are answered by
 * {@link StackTalkPermissionPolicy} in-process (the permission backend's HTTP hop is left out).
 */
export async function startSecretsBackend(
  options: {
    knex?: Knex;
    logger?: CapturingLogger;
    /** Config on top of the test's own; its `secrets` block is merged into the test's. */
    config?: JsonObject;
    /** Backstage's real auth and httpAuth services (external access tokens from `backend.auth`). */
    realAuth?: boolean;
  } = {},
) {
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])] };
    },
  };
  const policy = new StackTalkPermissionPolicy({ secretsAdminGroups: [ADMIN_GROUP], productionEnvironments: ['production'], userInfo });
  const decide = async (permission: any, credentials: any) =>
    policy.handle({ permission }, credentials.principal.type === 'user' ? ({ credentials } as any) : undefined);
  const permissions = {
    async authorizeConditional(queries: any[], { credentials }: any) {
      return Promise.all(queries.map(q => decide(q.permission, credentials)));
    },
    async authorize(requests: any[], { credentials }: any) {
      return Promise.all(
        requests.map(async r => {
          const d = await decide(r.permission, credentials);
          return { result: d.result === AuthorizeResult.ALLOW ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
        }),
      );
    },
  };
  const logger = options.logger ?? new CapturingLogger();
  const keyDir = mkdtempSync(join(tmpdir(), 'secrets-key-'));
  const backend = await startTestBackend({
    features: [
      secretsPlugin,
      catalogServiceMock.factory({ entities: ENTITIES }),
      createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => permissions as any }),
      createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => userInfo as any }),
      createServiceFactory({ service: coreServices.logger, deps: {}, factory: () => logger }),
      createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => logger as any }),
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          secrets: {
            localKeyFile: join(keyDir, 'key.json'),
            machineAccess: [{ subject: 'ci-deployer', entities: ['component:default/payments-api'], environments: ['staging'] }],
            ...(options.config?.secrets as JsonObject | undefined),
          },
        },
      }),
      ...(options.knex ? [mockServices.database.factory({ knex: options.knex })] : []),
      ...(options.realAuth ? [authServiceFactory, httpAuthServiceFactory] : []),
    ],
  });
  return { server: backend.server, logger };
}
