import { coreServices, createServiceFactory, type SchedulerService, type ServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackTalkPermissionPolicy } from '@stacktalk/plugin-permission-backend-module-stacktalk-policy';
// The real secrets plugin and its report section, in the test backend only.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import secretsPlugin from '@stacktalk/plugin-secrets-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import secretsReportSection from '@stacktalk/plugin-secrets-backend/reports';
import reportsPlugin from '../index';

export const ADMIN_GROUP = 'group:default/portal-admins';

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
    metadata: { name, namespace: 'default', title: name },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

export const ENTITIES = [component('payments-api', 'group:default/payments-team'), component('voice-gateway', 'group:default/voice-team')];

/**
 * The real reports plugin, the real secrets plugin with its report section, and the portal's
 * real policy answering every permission request in-process (the permission backend's HTTP hop
 * is left out, as in the policy plugin's own route tests).
 */
export async function startPortalBackend(options: { knex: Knex; secretsKnex: Knex; reports?: object; extraFeatures?: any[] }) {
  // The mock scheduler: the test runs the schedules task when it wants (its type leaves out `factory`).
  const scheduler = mockServices.scheduler() as SchedulerService & { factory(options: { skipTaskRunOnStartup: boolean }): ServiceFactory };
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])] };
    },
  };
  const policy = new StackTalkPermissionPolicy({ adminGroups: [ADMIN_GROUP], secretsAdminGroups: [ADMIN_GROUP], productionEnvironments: ['production'], userInfo });
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
  const keyDir = mkdtempSync(join(tmpdir(), 'reports-secrets-key-'));
  const backend = await startTestBackend({
    features: [
      reportsPlugin,
      secretsPlugin,
      secretsReportSection,
      ...(options.extraFeatures ?? []),
      catalogServiceMock.factory({ entities: ENTITIES }),
      createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => permissions as any }),
      createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => userInfo as any }),
      // A database per plugin, as in a real backend.
      createServiceFactory({
        service: coreServices.database,
        deps: { plugin: coreServices.pluginMetadata },
        factory: ({ plugin }) => ({ getClient: async () => (plugin.getId() === 'secrets' ? options.secretsKnex : options.knex) }),
      }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          reports: { concurrency: 1, ...options.reports },
          secrets: { localKeyFile: join(keyDir, 'key.json'), adminGroups: [ADMIN_GROUP] },
        },
      }),
    ],
  });
  return { server: backend.server, scheduler };
}
