/**
 * The GitHub access of the CI status plugins against the fixture GitHub API server
 * (examples/fixtures/github-api, a real HTTP server on a free port) and the real Backstage cache
 * (memory, and Redis at STACKTALK_TEST_REDIS_URL for the two-replica test).
 */
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { GithubCredentialsProvider } from '@backstage/integration';
import { CachedGitHubService } from './service';
import { startGitHubFixture, type GitHubFixture } from './testUtils';

const SLUG = 'stacktalk/promptpulse';
let fixture: GitHubFixture;

beforeAll(async () => {
  fixture = await startGitHubFixture();
});
afterAll(() => fixture.close());
beforeEach(() => fixture.reset());

function config(extra: Record<string, unknown> = {}) {
  return new ConfigReader({
    integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] },
    ciStatus: { github: { refreshIntervalSeconds: 60 } },
    ...extra,
  });
}

function memoryCache(store: 'memory' | 'redis' = 'memory') {
  const backend =
    store === 'redis'
      ? { cache: { store: 'redis', connection: process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' } }
      : { cache: { store: 'memory' } };
  return CacheManager.fromConfig(new ConfigReader({ backend })).forPlugin(`ci-status-test-${Date.now()}-${Math.random()}`);
}

function service(options: { now?: () => number; credentials?: GithubCredentialsProvider; cache?: ReturnType<typeof memoryCache> } = {}) {
  return CachedGitHubService.create({
    config: config(),
    cache: options.cache ?? memoryCache(),
    logger: mockServices.logger.mock(),
    credentials: options.credentials,
    now: options.now,
  });
}

describe('CachedGitHubService', () => {
  it('lists runs, jobs and a job log from GitHub', async () => {
    const client = service().forRepo(SLUG);
    const runs = await client.listWorkflowRuns({ perPage: 5 });
    expect(runs.data.workflow_runs).toHaveLength(5);
    expect(runs.stale).toBeUndefined();
    const run = runs.data.workflow_runs[1];
    const jobs = await client.listRunJobs(run.id);
    expect(jobs.data.jobs.length).toBeGreaterThan(0);
    expect(jobs.data.jobs[0].run_id).toBe(run.id);
    const log = await client.getJobLog(jobs.data.jobs[0].id);
    expect(log.data).toMatch(/##\[group\]Run /);
    const byFile = await client.listWorkflowRuns({ workflowFile: 'web.yml', perPage: 100 });
    expect(byFile.data.workflow_runs.every(r => r.path === '.github/workflows/web.yml')).toBe(true);
  });

  it('shares one upstream request among concurrent callers and within the refresh interval', async () => {
    const client = service().forRepo(SLUG);
    await Promise.all(Array.from({ length: 100 }, () => client.listWorkflowRuns()));
    await client.listWorkflowRuns();
    expect((await fixture.stats()).requests).toBe(1);
  });

  it('revalidates with If-None-Match after the interval: a 304 that costs no rate limit', async () => {
    let now = Date.now();
    const github = service({ now: () => now });
    const client = github.forRepo(SLUG);
    const first = await client.listWorkflowRuns();
    now += 61_000;
    const second = await client.listWorkflowRuns();
    expect(second.data).toEqual(first.data);
    expect(Date.parse(second.checkedAt)).toBeGreaterThan(Date.parse(first.checkedAt));
    const stats = await fixture.stats();
    expect(stats).toMatchObject({ requests: 2, ok: 1, notModified: 1 });
    expect(github.stats()).toMatchObject({ upstreamRequests: 2, changed: 1, notModified: 1 });
  });

  it('keeps the cache across a token rotation: one 200 with unchanged content, then 304s again', async () => {
    let now = Date.now();
    let token = 'fixture-installation-token-1';
    const credentials: GithubCredentialsProvider = {
      getCredentials: async () => ({ token, headers: { Authorization: `Bearer ${token}` }, type: 'app' }),
    };
    const github = service({ now: () => now, credentials });
    const client = github.forRepo(SLUG);
    await client.listWorkflowRuns();
    now += 61_000;
    await client.listWorkflowRuns(); // 304 with the first token
    token = 'fixture-installation-token-2'; // the hourly rotation
    now += 61_000;
    const afterRotation = await client.listWorkflowRuns();
    now += 61_000;
    await client.listWorkflowRuns(); // 304 with the new token's ETag
    expect(afterRotation.stale).toBeUndefined();
    expect(github.stats()).toMatchObject({ upstreamRequests: 4, changed: 1, notModified: 2, unchanged: 1 });
    expect(await fixture.stats()).toMatchObject({ ok: 2, notModified: 2 });
  });

  it('serves cached data marked stale when GitHub fails, and 503 when nothing is cached', async () => {
    let now = Date.now();
    const client = service({ now: () => now }).forRepo(SLUG);
    const fresh = await client.listWorkflowRuns();
    await fixture.setMode('down');
    now += 61_000;
    const stale = await client.listWorkflowRuns();
    expect(stale.data).toEqual(fresh.data);
    expect(stale.stale).toEqual({ since: fresh.checkedAt, reason: 'github-unavailable' });
    await expect(client.listRunJobs(fresh.data.workflow_runs[0].id)).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
  });

  it('stops asking GitHub while the rate limit is spent and says until when', async () => {
    let now = Date.now();
    const client = service({ now: () => now }).forRepo(SLUG);
    const fresh = await client.listWorkflowRuns();
    await fixture.setMode('rate-limited');
    now += 61_000;
    const limited = await client.listWorkflowRuns();
    expect(limited.stale).toMatchObject({ since: fresh.checkedAt, reason: 'rate-limited' });
    expect(Date.parse(limited.stale!.retryAfter!)).toBeGreaterThan(Date.now());
    const before = (await fixture.stats()).requests;
    now += 61_000;
    const again = await client.listWorkflowRuns();
    expect(again.stale?.reason).toBe('rate-limited');
    expect((await fixture.stats()).requests).toBe(before);
  });

  it('lists and downloads run artifacts (a zip archive)', async () => {
    const client = service().forRepo('stacktalk/stacktalk-excel-addin');
    const runs = await client.listWorkflowRuns({ status: 'success', perPage: 1 });
    const artifacts = await client.listRunArtifacts(runs.data.workflow_runs[0].id);
    expect(artifacts.data.artifacts[0].name).toBe('StackTalk.AddIn-packed');
    const zip = await client.downloadArtifact(artifacts.data.artifacts[0].id);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(zip.toString('latin1')).toContain('StackTalk.AddIn-AddIn64-packed.xll');
    await expect(client.downloadArtifact(artifacts.data.artifacts[0].id, { maxBytes: 10 })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('shares ETags between replicas through Redis: the second replica revalidates with a 304', async () => {
    let now = Date.now();
    const cache = memoryCache('redis');
    await service({ now: () => now, cache }).forRepo(SLUG).listWorkflowRuns();
    now += 61_000;
    const other = service({ now: () => now, cache });
    await other.forRepo(SLUG).listWorkflowRuns();
    expect(other.stats()).toMatchObject({ upstreamRequests: 1, notModified: 1 });
  });

  it('refuses a bad slug or id with an InputError and an unknown repository with NotFound', async () => {
    const github = service();
    expect(() => github.forRepo('not a slug')).toThrow('Not a GitHub owner/repo');
    await expect(github.forRepo(SLUG).listRunJobs(-1 as number)).rejects.toMatchObject({ name: 'InputError' });
    await expect(github.forRepo(SLUG).listWorkflowRuns({ workflowFile: '../x' })).rejects.toThrow('workflowFile');
    await expect(github.forRepo('stacktalk/nope').listWorkflowRuns()).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
