import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/** The workflow file (in the repository of `github.com/project-slug`) that builds the add-in. */
export const EXCELDNA_WORKFLOW_ANNOTATION = 'stacktalk.io/exceldna-workflow';

/**
 * Reading a component's add-in builds, their inspections and downloading the files. Builds of the
 * company's add-ins are not secret inside the company: the portal policy allows it to everyone.
 */
export const exceldnaBuildReadPermission = createPermission({
  name: 'exceldna.build.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Pushing a build (an .xll) for a component. Only service principals reach the upload route
 * (external-access tokens of CI); an access restriction on the token can limit it to this permission.
 */
export const exceldnaBuildUploadPermission = createPermission({
  name: 'exceldna.build.upload',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const exceldnaPermissions = [exceldnaBuildReadPermission, exceldnaBuildUploadPermission];
