import { createConditionExports, createPermissionResourceRef, createPermissionRule } from '@backstage/plugin-permission-node';
import { RESOURCE_TYPE_SECRET_SCOPE } from '@stacktalk/plugin-secrets-common';
import { z } from 'zod';

/** What the policy's rules see for one entity in one environment. */
export interface SecretScope {
  entityRef: string;
  environment: string;
  /** Targets of the entity's ownedBy relations. */
  ownerRefs: string[];
}

export const secretScopeResourceRef = createPermissionResourceRef<SecretScope, never>().with({
  pluginId: 'secrets',
  resourceType: RESOURCE_TYPE_SECRET_SCOPE,
});

const noQuery = (): never => {
  throw new Error('secret scopes are authorized one at a time, not by query');
};

export const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description: 'Allow when the entity is owned by one of the given refs (usually the user and their groups)',
  resourceRef: secretScopeResourceRef,
  paramsSchema: z.object({ claims: z.array(z.string()).describe('User and group entity refs') }),
  apply: (scope, { claims }) => scope.ownerRefs.some(owner => claims.includes(owner)),
  toQuery: noQuery,
});

export const isEnvironment = createPermissionRule({
  name: 'IS_ENVIRONMENT',
  description: 'Allow when the secret scope is one of the given environments',
  resourceRef: secretScopeResourceRef,
  paramsSchema: z.object({ environments: z.array(z.string()).describe('Environment names') }),
  apply: (scope, { environments }) => environments.includes(scope.environment),
  toQuery: noQuery,
});

export const secretScopeRules = { isEntityOwner, isEnvironment };

export const { conditions: secretScopeConditions, createConditionalDecision: createSecretScopeConditionalDecision } =
  createConditionExports({ resourceRef: secretScopeResourceRef, rules: secretScopeRules });
