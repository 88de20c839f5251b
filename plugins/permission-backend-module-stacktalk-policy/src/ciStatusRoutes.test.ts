/**
 * CI status with the portal policy: the real ci-status plugin, real HTTP, the fixture GitHub API
 * (examples/fixtures/github-api). Everyone reads CI; only the entity's owners and the portal
 * admins re-run — a signed-in employee who owns nothing gets a 403 and GitHub never hears of it.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ciRunRerunPermission, ciStatusReadPermission } from '@stacktalk/plugin-ci-status-common';
import { startGitHubFixture, type GitHubFixture } from '@stacktalk/plugin-ci-status-node/testUtils';
import request from 'supertest';
import { StackTalkPermissionPolicy } from './StackTalkPermissionPolicy';
import { startCiStatusBackend } from './__testUtils__/ciStatusBackend';

const api: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'promptpulse-api', namespace: 'default', annotations: { 'github.com/project-slug': 'stacktalk/promptpulse' } },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/promptpulse' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/promptpulse' }],
};
const RUNS = '/api/ci-status/entities/component/default/promptpulse-api/runs';
const ALICE = mockCredentials.user.header('user:default/alice'); // promptpulse: owns the component
const BOB = mockCredentials.user.header('user:default/bob'); // owns nothing of it
const ROOT = mockCredentials.user.header('user:default/root'); // portal admin

describe('CI status permissions in the portal policy', () => {
  const policy = new StackTalkPermissionPolicy({
    adminGroups: ['group:default/portal-admins'],
    secretsAdminGroups: [],
    productionEnvironments: [],
    userInfo: { getUserInfo: async () => ({ userEntityRef: 'user:default/bob', ownershipEntityRefs: ['user:default/bob'] }) },
  });
  const bob = { credentials: mockCredentials.user('user:default/bob'), info: { userEntityRef: 'user:default/bob', ownershipEntityRefs: ['user:default/bob'] } };

  it('lets everyone read CI status and re-run only on the condition of owning the entity', async () => {
    expect(await policy.handle({ permission: ciStatusReadPermission }, bob)).toEqual({ result: AuthorizeResult.ALLOW });
    expect(await policy.handle({ permission: ciRunRerunPermission }, bob)).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: ['user:default/bob'] } },
    });
  });

  it("denies any other permission of the CI plugins ('ci.' and 'ci-status.')", async () => {
    for (const name of ['ci.secret.thing', 'ci-status.anything']) {
      expect(await policy.handle({ permission: { type: 'basic', name, attributes: {} } }, bob)).toEqual({ result: AuthorizeResult.DENY });
    }
  });
});

describe('CI status routes with the portal policy', () => {
  jest.setTimeout(60_000);
  let fixture: GitHubFixture;
  let backend: Awaited<ReturnType<typeof startCiStatusBackend>>;
  beforeAll(async () => {
    fixture = await startGitHubFixture();
    backend = await startCiStatusBackend({ entities: [api], githubUrl: fixture.url });
  });
  afterAll(async () => {
    await backend?.stop();
    await fixture?.close();
  });

  it('lets a signed-in employee who owns nothing read runs, but not re-run (403, GitHub not called)', async () => {
    const runs = await request(backend.server).get(`${RUNS}?status=completed`).set('authorization', BOB);
    expect(runs.status).toBe(200);
    const id = runs.body.runs[0].id;
    const rerun = await request(backend.server).post(`${RUNS}/${id}/rerun`).set('authorization', BOB).send({});
    expect(rerun.status).toBe(403);
    expect(rerun.body.error.message).toContain('ci.run.rerun');
    expect((await fixture.stats()).byRoute.rerun).toBeUndefined();
  });

  it('lets the owners and the portal admins re-run', async () => {
    const runs = (await request(backend.server).get(`${RUNS}?status=completed`).set('authorization', ALICE)).body.runs;
    expect((await request(backend.server).post(`${RUNS}/${runs[0].id}/rerun`).set('authorization', ALICE).send({})).status).toBe(202);
    expect((await request(backend.server).post(`${RUNS}/${runs[1].id}/rerun`).set('authorization', ROOT).send({})).status).toBe(202);
    expect((await fixture.stats()).byRoute.rerun).toBe(2);
  });
});
