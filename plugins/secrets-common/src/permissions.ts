import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Secrets permissions are decided per *scope*: one entity in one environment. The resource ref of
 * a scope is `<entityRef>#<environment>` (see {@link secretScopeRef}); the policy's rules look at
 * the entity's owners and at the environment.
 */
export const RESOURCE_TYPE_SECRET_SCOPE = 'secret-scope';

/** See names and metadata (version, age, expiry, who changed it), never values. */
export const secretsListPermission = createPermission({
  name: 'secrets.secret.list',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SECRET_SCOPE,
});

/** Decrypt a value (reveal in the UI, or include it in an export). */
export const secretsRevealPermission = createPermission({
  name: 'secrets.secret.reveal',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_SECRET_SCOPE,
});

/** Create a secret, write a new version, roll back to an older version. */
export const secretsWritePermission = createPermission({
  name: 'secrets.secret.write',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_SECRET_SCOPE,
});

/** Soft delete and restore. */
export const secretsDeletePermission = createPermission({
  name: 'secrets.secret.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_SECRET_SCOPE,
});

/** Destroy every version of a secret, irreversibly. */
export const secretsDestroyPermission = createPermission({
  name: 'secrets.secret.destroy',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_SECRET_SCOPE,
});

/** The portal-wide audit log and the key-rotation status (per entity, `list` is enough). */
export const secretsAdminPermission = createPermission({
  name: 'secrets.admin',
  attributes: { action: 'read' },
});

export const secretsScopePermissions = [
  secretsListPermission,
  secretsRevealPermission,
  secretsWritePermission,
  secretsDeletePermission,
  secretsDestroyPermission,
];

export const secretsPermissions = [...secretsScopePermissions, secretsAdminPermission];

/** The resource ref of one entity in one environment. */
export function secretScopeRef(entityRef: string, environment: string): string {
  return `${entityRef}#${environment}`;
}

/** Inverse of {@link secretScopeRef}; undefined for anything malformed. */
export function parseSecretScopeRef(ref: string): { entityRef: string; environment: string } | undefined {
  const at = ref.lastIndexOf('#');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { entityRef: ref.slice(0, at), environment: ref.slice(at + 1) };
}
