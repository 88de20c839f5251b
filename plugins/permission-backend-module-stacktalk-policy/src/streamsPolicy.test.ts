import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { streamsMetricsReadPermission, streamsPayloadReadPermission } from '@stacktalk/plugin-stream-viewer-common';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';

const CLAIMS: Record<string, string[]> = {
  'user:default/ada.okafor': ['user:default/ada.okafor', 'group:default/platform', 'group:default/stacktalk'],
  'user:default/root': ['user:default/root', 'group:default/secrets-admins'],
  'user:default/nobody': [],
};
const policy = new StackTalkPermissionPolicy({
  secretsAdminGroups: ['group:default/secrets-admins'],
  productionEnvironments: ['production'],
  userInfo: { getUserInfo: async credentials => ({ userEntityRef: (credentials.principal as any).userEntityRef, ownershipEntityRefs: CLAIMS[(credentials.principal as any).userEntityRef] }) },
});
const as = (ref: string) => ({ credentials: mockCredentials.user(ref), info: { userEntityRef: ref, ownershipEntityRefs: CLAIMS[ref] } });

describe('stream permissions in the portal policy', () => {
  it('lets everyone see charts and rates', async () => {
    expect(await policy.handle({ permission: streamsMetricsReadPermission }, as('user:default/nobody'))).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("grants payloads on the condition that the user owns the stream's Resource", async () => {
    expect(await policy.handle({ permission: streamsPayloadReadPermission }, as('user:default/ada.okafor'))).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: CLAIMS['user:default/ada.okafor'] } },
    });
  });

  it('gives payloads to secrets admins everywhere and to a user without groups nowhere', async () => {
    expect(await policy.handle({ permission: streamsPayloadReadPermission }, as('user:default/root'))).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle({ permission: streamsPayloadReadPermission }, as('user:default/nobody'))).toEqual({ result: AuthorizeResult.DENY });
  });
});
