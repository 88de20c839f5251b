import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult, createPermission, type Permission } from '@backstage/plugin-permission-common';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';

const ADMINS = 'group:default/portal-admins';
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/admin': ['user:default/admin', ADMINS],
  'user:default/employee': ['user:default/employee', 'group:default/payments-team'],
  'user:default/nobody': [],
};
const policy = new StackTalkPermissionPolicy({
  adminGroups: [ADMINS],
  secretsAdminGroups: ['group:default/secrets-admins'],
  productionEnvironments: ['production'],
  userInfo: {
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string }).userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: MEMBERSHIP[ref] };
    },
  },
});

const basic = (name: string): Permission => createPermission({ name, attributes: {} });
const entity = (name: string): Permission => createPermission({ name, attributes: {}, resourceType: 'catalog-entity' });
async function decide(permission: Permission, user?: string) {
  const query = user ? { credentials: mockCredentials.user(user), info: { userEntityRef: user, ownershipEntityRefs: MEMBERSHIP[user] } } : undefined;
  return (await policy.handle({ permission }, query)).result;
}
const { ALLOW, DENY } = AuthorizeResult;

describe('the portal policy outside secrets and stream payloads', () => {
  it.each([
    ['kubernetes.proxy', basic('kubernetes.proxy')],
    ['catalog.location.create', basic('catalog.location.create')],
    ['catalog.location.delete', basic('catalog.location.delete')],
    ['reports.admin', basic('reports.admin')],
    ['plugins.manage', basic('plugins.manage')],
  ])('gives %s to members of the admin groups only', async (_name, permission) => {
    expect(await decide(permission, 'user:default/admin')).toBe(ALLOW);
    expect(await decide(permission, 'user:default/employee')).toBe(DENY);
    expect(await decide(permission, 'user:default/nobody')).toBe(DENY);
    expect(await decide(permission)).toBe(DENY);
  });

  it.each([
    ['kubernetes.clusters.read', basic('kubernetes.clusters.read')],
    ['kubernetes.resources.read', basic('kubernetes.resources.read')],
    ['catalog.entity.read', entity('catalog.entity.read')],
    ['streams.metrics.read', basic('streams.metrics.read')],
    ['reports.report.create', entity('reports.report.create')],
    ['reports.report.read', entity('reports.report.read')],
    ['reports.report.delete', entity('reports.report.delete')],
    ['portal.status.read', basic('portal.status.read')],
    ['plugins.read', basic('plugins.read')],
  ])('lets every signed-in employee have %s', async (_name, permission) => {
    expect(await decide(permission, 'user:default/employee')).toBe(ALLOW);
    expect(await decide(permission, 'user:default/nobody')).toBe(ALLOW);
  });

  it.each([
    'stacktalk.notes.create',
    'streams.topic.write',
    'reports.schedule.everything',
    'secrets.export.bulk',
    'portal-status.write',
    'portal.status.write',
    'ci-status.rerun',
    'exceldna.upload',
    'plugins.install',
  ])('denies %s, a permission of our own plugins it does not handle, even to admins', async name => {
    expect(await decide(basic(name), 'user:default/admin')).toBe(DENY);
    expect(await decide(basic(name), 'user:default/employee')).toBe(DENY);
  });

  it("lets only an entity's owners and the admins delete it from the catalog", async () => {
    const remove = entity('catalog.entity.delete');
    expect(await decide(remove, 'user:default/admin')).toBe(ALLOW);
    expect(await policy.handle({ permission: remove }, { credentials: mockCredentials.user('user:default/employee') } as any)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: MEMBERSHIP['user:default/employee'] } },
    });
    expect(await decide(remove, 'user:default/nobody')).toBe(DENY);
    expect(await decide(remove)).toBe(DENY);
  });

  it('denies a payload permission that is not the catalog-entity one it knows', async () => {
    expect(await decide(basic('streams.payload.read'), 'user:default/admin')).toBe(DENY);
  });
});
