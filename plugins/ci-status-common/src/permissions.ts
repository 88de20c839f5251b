import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Reading a component's CI runs, jobs and log tails. The portal policy allows it for every
 * signed-in person: CI status of the company's repositories is not secret inside the company.
 */
export const ciStatusReadPermission = createPermission({
  name: 'ci.status.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Re-running a workflow run (all jobs, or the failed ones) on GitHub. It spends CI minutes
 * and can deploy: the portal policy allows it to the owners of the entity and to admins.
 */
export const ciRunRerunPermission = createPermission({
  name: 'ci.run.rerun',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const ciStatusPermissions = [ciStatusReadPermission, ciRunRerunPermission];
