import { ConfigReader } from '@backstage/config';
import { readAdminGroups } from './config';

describe('the portal admin groups', () => {
  it('are permission.stacktalk.adminGroups when set', () => {
    const config = new ConfigReader({
      permission: { stacktalk: { adminGroups: ['group:default/platform-admins'] } },
      secrets: { adminGroups: ['group:default/secrets-admins'] },
    });
    expect(readAdminGroups(config)).toEqual(['group:default/platform-admins']);
  });

  it('are the secrets admins when not', () => {
    expect(readAdminGroups(new ConfigReader({ secrets: { adminGroups: ['group:default/secrets-admins'] } }))).toEqual([
      'group:default/secrets-admins',
    ]);
  });

  it('are nobody when neither is set, or when set to an empty list', () => {
    expect(readAdminGroups(new ConfigReader({}))).toEqual([]);
    const none = new ConfigReader({ permission: { stacktalk: { adminGroups: [] } }, secrets: { adminGroups: ['group:default/secrets-admins'] } });
    expect(readAdminGroups(none)).toEqual([]);
  });
});
