import type { BackstageCredentials, BackstageUserInfo } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { catalogConditions, createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import { streamsPayloadReadPermission } from '@stacktalk/plugin-stream-viewer-common';
import { createSecretScopeConditionalDecision, secretScopeConditions } from '@stacktalk/plugin-secrets-backend';
import {
  RESOURCE_TYPE_SECRET_SCOPE,
  secretsAdminPermission,
  secretsListPermission,
} from '@stacktalk/plugin-secrets-common';

export interface StackTalkPolicyOptions {
  /** Group refs whose members may do everything with secrets (`secrets.adminGroups`). */
  secretsAdminGroups: string[];
  /** Environments where only admins may reveal, write, delete or destroy. */
  productionEnvironments: string[];
  /** The user's ownership refs (the user and their groups): `coreServices.userInfo`. */
  userInfo: { getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo> };
}

/**
 * Secrets: owners of an entity list its secrets everywhere and reveal / write / delete / destroy
 * outside production; members of an admin group may do everything; everyone else sees nothing.
 * Stream payloads (raw message contents, which may hold personal data): the owners of the
 * stream's catalog Resource and the secrets admins; everyone may see a stream's charts and rates.
 * Every other permission in the portal is allowed.
 */
export class StackTalkPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: StackTalkPolicyOptions) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (isResourcePermission(permission, 'catalog-entity') && isPermission(permission, streamsPayloadReadPermission)) {
      const info = user ? await this.options.userInfo.getUserInfo(user.credentials) : undefined;
      const claims = info?.ownershipEntityRefs ?? [];
      if (claims.some(ref => this.options.secretsAdminGroups.includes(ref))) return { result: AuthorizeResult.ALLOW };
      if (claims.length === 0) return { result: AuthorizeResult.DENY };
      return createCatalogConditionalDecision(permission, catalogConditions.isEntityOwner({ claims }));
    }
    const secrets = isResourcePermission(permission, RESOURCE_TYPE_SECRET_SCOPE);
    if (!secrets && !isPermission(permission, secretsAdminPermission)) return { result: AuthorizeResult.ALLOW };

    const info = user ? await this.options.userInfo.getUserInfo(user.credentials) : undefined;
    const claims = info?.ownershipEntityRefs ?? [];
    if (claims.some(ref => this.options.secretsAdminGroups.includes(ref))) return { result: AuthorizeResult.ALLOW };
    if (!secrets || claims.length === 0) return { result: AuthorizeResult.DENY };

    const owner = secretScopeConditions.isEntityOwner({ claims });
    if (permission.name === secretsListPermission.name) {
      return createSecretScopeConditionalDecision(permission, owner);
    }
    return createSecretScopeConditionalDecision(permission, {
      allOf: [owner, { not: secretScopeConditions.isEnvironment({ environments: this.options.productionEnvironments }) }],
    });
  }
}
