import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult, type ResourcePermission } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer, type PermissionRuleset } from '@backstage/plugin-permission-node';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  secretScopeRef,
  secretsDeletePermission,
  secretsDestroyPermission,
  secretsListPermission,
  secretsRevealPermission,
  secretsWritePermission,
  type ScopeAccess,
} from '@stacktalk/plugin-secrets-common';
import type { SecretScope } from '@stacktalk/plugin-secrets-node';

const ACCESS_PERMISSIONS: Record<keyof ScopeAccess, ResourcePermission<'secret-scope'>> = {
  list: secretsListPermission,
  reveal: secretsRevealPermission,
  write: secretsWritePermission,
  delete: secretsDeletePermission,
  destroy: secretsDestroyPermission,
};

export function ownerRefsOf(entity: Entity): string[] {
  return (entity.relations ?? []).filter(r => r.type === RELATION_OWNED_BY).map(r => r.targetRef);
}

/**
 * Decides what a user may do with an entity's secrets in each environment. The policy answers
 * with conditions (owner of the entity, which environment); they are evaluated here against the
 * entity's owners from the catalog, so one policy call covers every environment.
 */
export class ScopeAuthorizer {
  private applyConditions: (decision: any, scope: SecretScope | undefined) => boolean = () => false;

  constructor(private readonly deps: { permissions: PermissionsService; catalog: CatalogService; auth: AuthService }) {}

  /** The rules registered for secret scopes (known only after the resource type is registered). */
  useRuleset(ruleset: PermissionRuleset<SecretScope, never, 'secret-scope'>) {
    this.applyConditions = createConditionAuthorizer(ruleset);
  }

  /** The entity as the caller may see it in the catalog; 404 when it does not exist or is hidden. */
  async entity(entityRef: string, credentials: BackstageCredentials): Promise<Entity> {
    const entity = await this.deps.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entity;
  }

  /** For the permission framework's apply-conditions endpoint (frontend `usePermission`). */
  async scopes(refs: Array<{ entityRef: string; environment: string }>): Promise<Array<SecretScope | undefined>> {
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    return Promise.all(
      refs.map(async ({ entityRef, environment }) => {
        const entity = await this.deps.catalog.getEntityByRef(entityRef, { credentials });
        return entity ? { entityRef: stringifyEntityRef(entity), environment, ownerRefs: ownerRefsOf(entity) } : undefined;
      }),
    );
  }

  async access(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    entity: Entity,
    environments: string[],
  ): Promise<Map<string, ScopeAccess>> {
    const actions = Object.keys(ACCESS_PERMISSIONS) as Array<keyof ScopeAccess>;
    const decisions = await this.deps.permissions.authorizeConditional(
      actions.map(a => ({ permission: ACCESS_PERMISSIONS[a] })),
      { credentials },
    );
    const entityRef = stringifyEntityRef(entity);
    const ownerRefs = ownerRefsOf(entity);
    const result = new Map<string, ScopeAccess>();
    for (const environment of environments) {
      const scope: SecretScope = { entityRef, environment, ownerRefs };
      const access = {} as ScopeAccess;
      actions.forEach((a, i) => {
        const d = decisions[i];
        access[a] = d.result === AuthorizeResult.ALLOW || (d.result === AuthorizeResult.CONDITIONAL && this.applyConditions(d, scope));
      });
      result.set(environment, access);
    }
    return result;
  }

  /** Throws 403 unless the caller may do `action` in `environment` of the entity. */
  async require(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    entity: Entity,
    environment: string,
    action: keyof ScopeAccess,
  ): Promise<void> {
    const access = (await this.access(credentials, entity, [environment])).get(environment)!;
    if (!access[action]) {
      throw new NotAllowedError(
        `You may not ${action} secrets of ${secretScopeRef(stringifyEntityRef(entity), environment).replace('#', ' in ')}`,
      );
    }
  }
}
