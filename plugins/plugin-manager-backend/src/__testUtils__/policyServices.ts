/**
 * The portal's real permission policy for the plugin manager's tests: `user:default/admin` is in
 * the admin group (plugins.manage), everyone else a plain employee (plugins.read only). Both
 * test files install these as the backend's permissions and userInfo services.
 */
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { StackTalkPermissionPolicy } from '@stacktalk/plugin-permission-backend-module-stacktalk-policy';

const MEMBERSHIP: Record<string, string[]> = { 'user:default/admin': ['group:default/portal-admins'] };
const userInfo = {
  async getUserInfo(credentials: any) {
    const ref = credentials.principal.userEntityRef;
    return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(MEMBERSHIP[ref] ?? [])] };
  },
};
const policy = new StackTalkPermissionPolicy({
  adminGroups: ['group:default/portal-admins'],
  secretsAdminGroups: [],
  productionEnvironments: ['production'],
  userInfo,
});
const permissions = {
  async authorize(requests: any[], { credentials }: any) {
    return Promise.all(
      requests.map(async r => {
        const decision = await policy.handle({ permission: r.permission }, { credentials } as any);
        return { result: decision.result === AuthorizeResult.ALLOW ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
      }),
    );
  },
};

/** The permissions (the real policy) and userInfo service factories. */
export const policyServices = () => [
  createServiceFactory({ service: coreServices.permissions, deps: {}, factory: () => permissions as any }),
  createServiceFactory({ service: coreServices.userInfo, deps: {}, factory: () => userInfo as any }),
];
