/**
 * The portal's permission policy through the real routes: the Kubernetes backend in front of
 * the fixture Kubernetes API server (examples/fixtures/kubernetes-api, on a free port), and the
 * catalog's location routes. The backend runs in a child process (see portalBackendMain.ts).
 */
import { startKubernetesFixture, type KubernetesFixture } from '../__testUtils__/kubernetesFixture';
import { ADMIN, EMPLOYEE, OUTSIDER } from './__testUtils__/portalBackend';
import { spawnPortalBackend, type PortalBackendProcess } from './__testUtils__/portalBackendProcess';

jest.setTimeout(120_000);

const CLUSTER = { 'Backstage-Kubernetes-Cluster': 'doks-fixture' };
const SECRETS = '/api/v1/namespaces/stacktalk/secrets';

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('the portal policy in front of the Kubernetes cluster and the catalog', () => {
  let fixture: KubernetesFixture;
  let portal: PortalBackendProcess;

  beforeAll(async () => {
    fixture = await startKubernetesFixture();
    portal = await spawnPortalBackend({ kubernetesUrl: fixture.url });
    await until('the catalog to hold core-api', async () =>
      (await portal.as(EMPLOYEE)('/api/catalog/entities/by-name/component/default/core-api')).ok ? true : undefined,
    );
  });
  afterAll(async () => {
    await portal?.stop();
    await fixture?.close();
  });

  /** The fixture's requests up to and including a marker request made now (its log is asynchronous). */
  async function requestsSoFar(): Promise<string[]> {
    const marker = `/api/v1/namespaces/marker-${Date.now()}/configmaps`;
    await fetch(`${fixture.url}${marker}`, { headers: { Authorization: 'Bearer fixture-token' } });
    return until('the fixture to log the marker', async () => {
      const seen = fixture.requests();
      return seen.includes(`GET ${marker}`) ? seen : undefined;
    });
  }

  it("refuses the proxy to an employee who is not an admin, before it reaches the cluster", async () => {
    const employee = portal.as(EMPLOYEE);
    const read = await employee(`/api/kubernetes/proxy${SECRETS}`, { headers: CLUSTER });
    expect(read.status).toBe(403);
    expect((await read.json()).error).toMatchObject({ name: 'NotAllowedError' });
    const write = await employee('/api/kubernetes/proxy/api/v1/namespaces/stacktalk/pods/any', { method: 'DELETE', headers: CLUSTER });
    expect(write.status).toBe(403);
    const post = await employee(`/api/kubernetes/proxy${SECRETS}`, { method: 'POST', headers: CLUSTER, body: '{}' });
    expect(post.status).toBe(403);

    const seen = await requestsSoFar();
    expect(seen.filter(r => r.includes('/secrets') || r.includes('/pods/any'))).toEqual([]);
  });

  it('lets an admin through the proxy to the cluster', async () => {
    const res = await portal.as(ADMIN)(`/api/kubernetes/proxy${SECRETS}`, { headers: CLUSTER });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: 'SecretList' });
    expect(await requestsSoFar()).toContain(`GET ${SECRETS}`);
  });

  it("keeps the Kubernetes tab's reads for every employee", async () => {
    const employee = portal.as(EMPLOYEE);
    const clusters = await employee('/api/kubernetes/clusters');
    expect(clusters.status).toBe(200);
    expect((await clusters.json()).items).toEqual([expect.objectContaining({ name: 'doks-fixture' })]);

    const workloads = await employee('/api/kubernetes/resources/workloads/query', {
      method: 'POST',
      body: JSON.stringify({ entityRef: 'component:default/core-api' }),
    });
    expect(workloads.status).toBe(200);
    const { items } = await workloads.json();
    expect(items).toHaveLength(1);
    expect(items[0].errors).toEqual([]);
    const pods = items[0].resources.find((r: { type: string }) => r.type === 'pods').resources;
    expect(pods.length).toBeGreaterThan(0);
    expect(pods[0].metadata.name).toMatch(/^stacktalk-core-api-/);
  });

  it('lets only admins register and delete catalog locations', async () => {
    const location = { type: 'url', target: 'https://github.com/stacktalk/payments/blob/main/catalog-info.yaml' };
    const post = (user: string) =>
      portal.as(user)('/api/catalog/locations', { method: 'POST', body: JSON.stringify(location) });

    const refused = await post(EMPLOYEE);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ name: 'NotAllowedError' });

    const created = await post(ADMIN);
    expect(created.status).toBe(201);
    const { location: stored } = await created.json();

    expect((await portal.as(EMPLOYEE)(`/api/catalog/locations/${stored.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await portal.as(ADMIN)(`/api/catalog/locations/${stored.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it("lets only an entity's owners and the admins delete it from the catalog", async () => {
    const entity = await (await portal.as(OUTSIDER)('/api/catalog/entities/by-name/component/default/core-api')).json();
    const remove = (user: string) => portal.as(user)(`/api/catalog/entities/by-uid/${entity.metadata.uid}`, { method: 'DELETE' });
    const refused = await remove(OUTSIDER);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ name: 'NotAllowedError' });
    expect((await portal.as(OUTSIDER)('/api/catalog/entities/by-name/component/default/core-api')).status).toBe(200);
    expect((await remove(EMPLOYEE)).status).toBe(204);
  });
});
