import type { BackstageCredentials, BackstageUserInfo } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  type Permission,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { catalogConditions, createCatalogConditionalDecision } from '@backstage/plugin-catalog-backend/alpha';
import { ciRunRerunPermission, ciStatusReadPermission } from '@stacktalk/plugin-ci-status-common';
import { streamsMetricsReadPermission, streamsPayloadReadPermission } from '@stacktalk/plugin-stream-viewer-common';
import { createSecretScopeConditionalDecision, secretScopeConditions } from '@stacktalk/plugin-secrets-node';
import {
  RESOURCE_TYPE_SECRET_SCOPE,
  secretsAdminPermission,
  secretsListPermission,
} from '@stacktalk/plugin-secrets-common';

export interface StackTalkPolicyOptions {
  /** Group refs whose members are portal administrators (`permission.stacktalk.adminGroups`); none when left out. */
  adminGroups?: string[];
  /** Group refs whose members may do everything with secrets (`secrets.adminGroups`). */
  secretsAdminGroups: string[];
  /** Environments where only admins may reveal, write, delete or destroy. */
  productionEnvironments: string[];
  /** The user's ownership refs (the user and their groups): `coreServices.userInfo`. */
  userInfo: { getUserInfo(credentials: BackstageCredentials): Promise<BackstageUserInfo> };
}

/** Permission names of the portal's own plugins start with one of these. */
export const OWN_PERMISSION_PREFIXES = [
  'stacktalk.',
  'streams.',
  'reports.',
  'secrets.',
  'portal-status.',
  'portal.status.',
  'ci-status.',
  'ci.',
  'exceldna.',
  'plugins.',
];

/** Our own permissions every signed-in employee has; the plugin decides anything finer itself. */
const ALLOWED_TO_EVERYONE = new Set([
  streamsMetricsReadPermission.name,
  // The reports routes let only a report's creator (and `reports.admin`) read or delete it.
  'reports.report.create',
  'reports.report.read',
  'reports.report.delete',
  'portal.status.read',
  // CI runs, jobs and logs of the company's repositories are not secret inside the company.
  ciStatusReadPermission.name,
  // Excel add-in builds, their inspections and files: not secret inside the company either.
  // (exceldna.build.upload is left denied to users: CI's external-access tokens upload, and
  // service principals are scoped by their token's access restrictions, not by this policy.)
  'exceldna.build.read',
  // What is installed in the portal, its health and the plugin sources (the Plugins page).
  'plugins.read',
]);

/** Only members of the admin groups, whatever plugin declares them. */
const ADMIN_ONLY = new Set([
  // The Kubernetes backend forwards proxy calls with its own service-account token: whoever
  // has this permission reads (and, RBAC allowing, writes) the cluster as the portal does.
  'kubernetes.proxy',
  // Registering catalog YAML decides owners, and owners decide payload and secrets access.
  'catalog.location.create',
  'catalog.location.delete',
  'reports.admin',
  // Installing, updating, disabling and removing plugins runs new code in the backend.
  'plugins.manage',
]);

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * - Secrets: owners of an entity list its secrets everywhere and reveal / write / delete /
 *   destroy outside production; members of a secrets admin group may do everything; everyone
 *   else sees nothing.
 * - Stream payloads (raw message contents, which may hold personal data): the owners of the
 *   stream's catalog Resource and the secrets admins; everyone may see a stream's rates.
 * - CI (`ci.status.read`): everyone; re-running CI (`ci.run.rerun`): the entity's owners and
 *   the members of the admin groups.
 * - The Kubernetes proxy, catalog locations and `reports.admin`: members of the admin groups;
 *   deleting a catalog entity: its owners and the admins.
 * - Any other permission of our own plugins ({@link OWN_PERMISSION_PREFIXES}) is denied unless
 *   listed here; permissions of Backstage's plugins (catalog reads, Kubernetes reads, TechDocs,
 *   search) are allowed.
 */
export class StackTalkPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: StackTalkPolicyOptions) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (isResourcePermission(permission, 'catalog-entity') && isPermission(permission, streamsPayloadReadPermission)) {
      return this.ownerOrMember(permission, user, this.options.secretsAdminGroups);
    }
    // Deleting an entity (the org's Users and Groups included) is for its owners and the admins.
    if (isResourcePermission(permission, 'catalog-entity') && permission.name === 'catalog.entity.delete') {
      return this.ownerOrMember(permission, user, this.options.adminGroups ?? []);
    }
    // Re-running CI spends minutes and may deploy: the entity's owners and the admins.
    if (isResourcePermission(permission, 'catalog-entity') && permission.name === ciRunRerunPermission.name) {
      return this.ownerOrMember(permission, user, this.options.adminGroups ?? []);
    }
    if (isResourcePermission(permission, RESOURCE_TYPE_SECRET_SCOPE) || isPermission(permission, secretsAdminPermission)) {
      return this.secrets(permission, user);
    }
    if (ADMIN_ONLY.has(permission.name)) {
      return (await this.isMember(user, this.options.adminGroups ?? [])) ? ALLOW : DENY;
    }
    if (ALLOWED_TO_EVERYONE.has(permission.name)) return ALLOW;
    if (OWN_PERMISSION_PREFIXES.some(prefix => permission.name.startsWith(prefix))) return DENY;
    return ALLOW;
  }

  private async claims(user?: PolicyQueryUser): Promise<string[]> {
    if (!user) return [];
    return (await this.options.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs;
  }

  private async isMember(user: PolicyQueryUser | undefined, groups: string[]): Promise<boolean> {
    return (await this.claims(user)).some(ref => groups.includes(ref));
  }

  /** Members of `groups` always; anyone else on the condition that they own the entity. */
  private async ownerOrMember(permission: ResourcePermission<'catalog-entity'>, user: PolicyQueryUser | undefined, groups: string[]) {
    const claims = await this.claims(user);
    if (claims.some(ref => groups.includes(ref))) return ALLOW;
    if (claims.length === 0) return DENY;
    return createCatalogConditionalDecision(permission, catalogConditions.isEntityOwner({ claims }));
  }

  private async secrets(permission: Permission, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const claims = await this.claims(user);
    if (claims.some(ref => this.options.secretsAdminGroups.includes(ref))) return ALLOW;
    if (!isResourcePermission(permission, RESOURCE_TYPE_SECRET_SCOPE) || claims.length === 0) return DENY;

    const owner = secretScopeConditions.isEntityOwner({ claims });
    if (permission.name === secretsListPermission.name) {
      return createSecretScopeConditionalDecision(permission, owner);
    }
    return createSecretScopeConditionalDecision(permission, {
      allOf: [owner, { not: secretScopeConditions.isEnvironment({ environments: this.options.productionEnvironments }) }],
    });
  }
}
