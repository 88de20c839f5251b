/**
 * CI status: 100 concurrent viewers of one entity for one minute.
 *
 *   npm run bench:ci -- [--viewers 100] [--seconds 60] [--poll 5] [--refresh 15] [--cache memory|redis]
 *
 * Served by the backend: the real ci-status router and CiStatusService over HTTP, the real
 * CachedGitHubService (Backstage cache: memory, or Redis at STACKTALK_TEST_REDIS_URL), the fixture
 * GitHub API server (examples/fixtures/github-api) counting what reaches "GitHub". Sign-in,
 * catalog and permission checks are stand-ins (they answer at once), so the figures are the CI
 * path's own. Baseline, in the same run: per-viewer fetching as the community GitHub Actions
 * plugin does it — each viewer's browser asks GitHub itself with that person's token.
 * Every viewer asks every `poll` seconds (the page open, the tab re-rendered, or a reload).
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { ConfigReader } from '@backstage/config';
import { CacheManager } from '@backstage/backend-defaults/cache';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CachedGitHubService } from '../plugins/ci-status-node/src';
import { startGitHubFixture, type GitHubFixture } from '../plugins/ci-status-node/src/testUtils';
import { CiStatusService } from '../plugins/ci-status-backend/src/service/CiStatusService';
import { CiHealth } from '../plugins/ci-status-backend/src/service/CiHealth';
import { CiNotifier } from '../plugins/ci-status-backend/src/service/CiNotifier';
import { WebhookReceiver } from '../plugins/ci-status-backend/src/service/WebhookReceiver';
import { createRouter } from '../plugins/ci-status-backend/src/service/router';
import { readCiStatusConfig } from '../plugins/ci-status-backend/src/service/config';
import { percentile } from './lib';

const { values } = parseArgs({
  options: {
    viewers: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    poll: { type: 'string', default: '5' },
    refresh: { type: 'string', default: '15' },
    cache: { type: 'string', default: 'memory' },
  },
});
const VIEWERS = Number(values.viewers);
const SECONDS = Number(values.seconds);
const POLL_MS = Number(values.poll) * 1000;
const REFRESH = Number(values.refresh);

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'promptpulse-api', namespace: 'default', annotations: { 'github.com/project-slug': 'stacktalk/promptpulse', 'stacktalk.io/ci-workflows': 'api.yml' } },
  spec: { owner: 'group:default/promptpulse' },
};

const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent } as any;

async function startPortal(fixture: GitHubFixture) {
  const config = new ConfigReader({
    integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-portal-app' }] },
    ciStatus: { github: { refreshIntervalSeconds: REFRESH } },
    backend: values.cache === 'redis' ? { cache: { store: 'redis', connection: process.env.STACKTALK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' } } : { cache: { store: 'memory' } },
  });
  const cache = CacheManager.fromConfig(config).forPlugin(`ci-status-bench-${Date.now()}`);
  const github = CachedGitHubService.create({ config, cache, logger: silent });
  const credentials = { $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/viewer' } };
  const catalog = { getEntityByRef: async () => entity, getEntities: async () => ({ items: [entity] }) } as any;
  const permissions = { authorize: async (requests: unknown[]) => requests.map(() => ({ result: AuthorizeResult.ALLOW })) } as any;
  const auditor = { createEvent: async () => ({ success: async () => {}, fail: async () => {} }) } as any;
  const notifier = new CiNotifier({ publish: async () => {} } as any);
  const ciConfig = readCiStatusConfig(config);
  const service = new CiStatusService({ github, catalog, permissions, auditor, notifier, logger: silent, config: ciConfig });
  const router = await createRouter({
    httpAuth: { credentials: async () => credentials } as any,
    service,
    health: new CiHealth({ catalog, permissions, service, logger: silent, maxComponents: 10 }),
    webhooks: new WebhookReceiver({ host: 'github.com', github, notifier, logger: silent }),
  });
  const app = express().use('/api/ci-status', router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ci-status`, github, close: () => new Promise(r => server.close(r)) };
}

/** `VIEWERS` loops for `SECONDS`, each calling `view(viewer)` every POLL_MS (staggered start). */
async function viewers(view: (viewer: number) => Promise<void>) {
  const latencies: number[] = [];
  let failures = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: VIEWERS }, async (_, viewer) => {
      await new Promise(r => setTimeout(r, (viewer / VIEWERS) * POLL_MS));
      while (Date.now() < end) {
        const started = process.hrtime.bigint();
        try {
          await view(viewer);
        } catch {
          failures += 1;
        }
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        await new Promise(r => setTimeout(r, POLL_MS));
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { views: latencies.length, failures, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main() {
  const fixture = await startGitHubFixture(['--rate-limit', '1000000']);
  try {
    console.log(`ci-status bench: ${VIEWERS} viewers of one entity for ${SECONDS} s, each every ${POLL_MS / 1000} s; refresh interval ${REFRESH} s; cache ${values.cache}`);

    await fixture.reset();
    const portal = await startPortal(fixture);
    const served = await viewers(async () => {
      const res = await fetch(`${portal.url}/entities/component/default/promptpulse-api/runs`);
      if (!res.ok) throw new Error(String(res.status));
      await res.json();
    });
    const servedStats = await fixture.stats();
    const cacheStats = portal.github.stats();
    await portal.close();

    await fixture.reset();
    const direct = await viewers(async viewer => {
      // The community plugin: each browser asks GitHub with its person's own token.
      const res = await fetch(`${fixture.url}/repos/stacktalk/promptpulse/actions/runs?per_page=100`, { headers: { authorization: `token fixture-person-${viewer}` } });
      if (!res.ok) throw new Error(String(res.status));
      await res.json();
    });
    const directStats = await fixture.stats();

    const intervals = Math.ceil(SECONDS / REFRESH);
    const row = (name: string, r: typeof served, s: typeof servedStats) =>
      `${name.padEnd(34)} ${String(r.views).padStart(6)} ${String(r.failures).padStart(5)} ${String(s.requests).padStart(9)} ${String(s.ok).padStart(8)} ${String(s.notModified).padStart(6)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}`;
    console.log(`\n${'mode'.padEnd(34)} ${'views'.padStart(6)} ${'fail'.padStart(5)} ${'upstream'.padStart(9)} ${'200s'.padStart(8)} ${'304s'.padStart(6)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
    console.log(row('served by the backend (shared)', served, servedStats));
    console.log(row('per-viewer fetching (baseline)', direct, directStats));
    console.log(`\nupstream requests: ${servedStats.requests} for ${intervals} refresh intervals (goal ≤ ${intervals}) against ${directStats.requests} per-viewer: ${(directStats.requests / Math.max(1, servedStats.requests)).toFixed(0)}× fewer`);
    console.log(`rate limit spent: ${servedStats.ok} (served; ${servedStats.notModified} free 304s) against ${directStats.ok} (per-viewer)`);
    console.log(`cache: ${JSON.stringify(cacheStats)}`);
  } finally {
    await fixture.close();
  }
  process.exit(0);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
