/**
 * The portal policy on the Excel-DNA plugin's permissions (plugins/exceldna-common): reading
 * builds is for every signed-in employee; uploading is for CI's external-access tokens, which the
 * upload route alone accepts (service principals do not reach this policy: their scope is the
 * token's access restrictions), so the policy gives it to no user; other exceldna. names are denied.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';

const ADMINS = 'group:default/portal-admins';
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/admin': ['user:default/admin', ADMINS],
  'user:default/employee': ['user:default/employee', 'group:default/desk'],
};
const policy = new StackTalkPermissionPolicy({
  adminGroups: [ADMINS],
  secretsAdminGroups: [],
  productionEnvironments: ['production'],
  userInfo: {
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string }).userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: MEMBERSHIP[ref] };
    },
  },
});
// the names and shapes of exceldnaBuildReadPermission / exceldnaBuildUploadPermission
const onEntity = (name: string, action: 'read' | 'create') => createPermission({ name, attributes: { action }, resourceType: 'catalog-entity' });
const decide = async (name: string, action: 'read' | 'create', user: string) =>
  (await policy.handle({ permission: onEntity(name, action) }, { credentials: mockCredentials.user(user), info: { userEntityRef: user, ownershipEntityRefs: MEMBERSHIP[user] } })).result;

describe('the portal policy on exceldna. permissions', () => {
  it('lets every signed-in employee read add-in builds (exceldna.build.read)', async () => {
    expect(await decide('exceldna.build.read', 'read', 'user:default/employee')).toBe(AuthorizeResult.ALLOW);
    expect(await decide('exceldna.build.read', 'read', 'user:default/admin')).toBe(AuthorizeResult.ALLOW);
  });

  it('gives no user exceldna.build.upload (CI tokens upload), and denies unknown exceldna. permissions', async () => {
    expect(await decide('exceldna.build.upload', 'create', 'user:default/employee')).toBe(AuthorizeResult.DENY);
    expect(await decide('exceldna.build.upload', 'create', 'user:default/admin')).toBe(AuthorizeResult.DENY);
    expect(await decide('exceldna.build.delete', 'read', 'user:default/admin')).toBe(AuthorizeResult.DENY);
  });
});
