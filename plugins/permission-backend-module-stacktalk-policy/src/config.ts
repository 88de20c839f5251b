import type { Config } from '@backstage/config';

/**
 * The portal's admin groups: `permission.stacktalk.adminGroups`, or, when that is not set, the
 * secrets admin groups (`secrets.adminGroups`): the people already trusted with every production
 * secret. Neither set: nobody is an admin.
 */
export function readAdminGroups(config: Config): string[] {
  return (
    config.getOptionalStringArray('permission.stacktalk.adminGroups') ??
    config.getOptionalStringArray('secrets.adminGroups') ??
    []
  );
}
