import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult, type PermissionCondition, type PermissionCriteria } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import ciStatusPlugin from '@stacktalk/plugin-ci-status-backend';
import { StackTalkPermissionPolicy } from '../StackTalkPermissionPolicy';

/** Who is in which group: the ownership refs the user-info service returns. */
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/alice': ['group:default/promptpulse'],
  'user:default/bob': ['group:default/voice-team'],
  'user:default/root': ['group:default/portal-admins'],
};

const rules = Object.values(permissionRules) as Array<{ name: string; apply(resource: Entity, params: any): boolean }>;

function applies(criteria: PermissionCriteria<PermissionCondition>, entity: Entity): boolean {
  if ('allOf' in criteria) return criteria.allOf.every(c => applies(c, entity));
  if ('anyOf' in criteria) return criteria.anyOf.some(c => applies(c, entity));
  if ('not' in criteria) return !applies(criteria.not, entity);
  const rule = rules.find(r => r.name === criteria.rule);
  if (!rule) throw new Error(`no catalog permission rule ${criteria.rule}`);
  return rule.apply(entity, criteria.params);
}

/**
 * The real CI status plugin with the portal's real policy (admin group `portal-admins`),
 * answered in-process; a conditional decision on a catalog entity is applied to that entity
 * with the catalog's own permission rules. GitHub is the fixture server at `githubUrl`.
 */
export async function startCiStatusBackend(options: { entities: Entity[]; githubUrl: string }) {
  const userInfo = {
    async getUserInfo(credentials: any) {
      const ref = credentials.principal.userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])] };
    },
  };
  const policy = new StackTalkPermissionPolicy({
    adminGroups: ['group:default/portal-admins'],
    secretsAdminGroups: ['group:default/secrets-admins'],
    productionEnvironments: ['production'],
    userInfo,
  });
  const byRef = new Map(options.entities.map(e => [`${e.kind.toLowerCase()}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`, e]));
  const permissions = {
    async authorize(requests: any[], { credentials }: any) {
      return Promise.all(
        requests.map(async r => {
          const d = await policy.handle({ permission: r.permission }, credentials.principal.type === 'user' ? ({ credentials } as any) : undefined);
          if (d.result !== AuthorizeResult.CONDITIONAL) return { result: d.result };
          const entity = r.resourceRef ? byRef.get(r.resourceRef) : undefined;
          return { result: entity && applies(d.conditions, entity) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
        }),
      );
    },
  };
  return startTestBackend({
    features: [
      ciStatusPlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => permissions as any }),
      createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => userInfo as any }),
      createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => ({ publish: async () => {} }) }),
      mockServices.rootConfig.factory({
        data: { integrations: { github: [{ host: 'github.com', apiBaseUrl: options.githubUrl, token: 'fixture-token' }] } },
      }),
    ],
  });
}
