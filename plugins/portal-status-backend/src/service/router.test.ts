import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { portalStatusPlugin } from '../plugin';

async function getFeatures(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY, authorization: string) {
  const { server } = await startTestBackend({
    features: [portalStatusPlugin, mockServices.permissions.factory({ result })],
  });
  return request(server).get('/api/portal-status/features').set('Authorization', authorization);
}

describe('GET /api/portal-status/features', () => {
  it('lists every optional feature with its availability for a signed-in user', async () => {
    const res = await getFeatures(AuthorizeResult.ALLOW, mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.features.map((f: { id: string }) => f.id)).toEqual(['techdocs', 'chromium']);
    for (const feature of res.body.features) {
      expect(typeof feature.available).toBe('boolean');
      expect(feature.install).toMatch(/^sudo apt-get install -y /);
    }
  });

  it('answers 401 without credentials', async () => {
    // The test backend treats a request with no header as the default user; this is "none".
    const res = await getFeatures(AuthorizeResult.ALLOW, mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('answers 403 when the permission policy denies portal.status.read', async () => {
    const res = await getFeatures(AuthorizeResult.DENY, mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/not allowed/);
  });
});
