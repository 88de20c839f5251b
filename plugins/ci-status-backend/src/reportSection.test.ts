/**
 * The CI report section through the real ci-status plugin's HTTP routes (startTestBackend) and
 * the fixture GitHub API, asked on behalf of the report's requester.
 */
import { createBackendPlugin, createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { startGitHubFixture, type GitHubFixture } from '@stacktalk/plugin-ci-status-node/testUtils';
import { reportsSectionsExtensionPoint, type ReportSection } from '@stacktalk/plugin-reports-node';
import { renderToStaticMarkup } from 'react-dom/server';
import { ciStatusPlugin } from './plugin';
import { ciStatusReportSectionModule } from './reportSection';

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'group:default/promptpulse' },
});
const api = entity('promptpulse-api', { 'github.com/project-slug': 'stacktalk/promptpulse', 'stacktalk.io/ci-workflows': 'api.yml' });
const secretCi = entity('secret-ci', { 'github.com/project-slug': 'stacktalk/promptpulse' });

let fixture: GitHubFixture;
let backend: Awaited<ReturnType<typeof startTestBackend>>;
const sections: ReportSection[] = [];
const askedBy: string[] = [];

beforeAll(async () => {
  fixture = await startGitHubFixture();
  const reports = createBackendPlugin({
    pluginId: 'reports',
    register(env) {
      env.registerExtensionPoint(reportsSectionsExtensionPoint, { addSection: (...more) => sections.push(...more) });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  backend = await startTestBackend({
    features: [
      reports,
      ciStatusReportSectionModule,
      ciStatusPlugin,
      mockServices.rootConfig.factory({ data: { integrations: { github: [{ host: 'github.com', apiBaseUrl: fixture.url, token: 'fixture-token' }] } } }),
      catalogServiceMock.factory({ entities: [api, secretCi] }),
      createServiceFactory({ service: signalsServiceRef, deps: {}, factory: () => ({ publish: async () => {} }) }),
      mockServices.permissions.mock({
        authorize: async (requests, { credentials }) => {
          askedBy.push((credentials.principal as { userEntityRef?: string; subject?: string }).userEntityRef ?? 'service');
          return requests.map(r => ({ result: (r as { resourceRef?: string }).resourceRef === 'component:default/secret-ci' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW })) as any;
        },
      }).factory,
    ],
  });
});
afterAll(async () => {
  await backend?.stop();
  await fixture?.close();
});

const render = (e: Entity) =>
  sections[0].render({ entity: e, credentials: mockCredentials.user('user:default/alice'), signal: new AbortController().signal, getEntity: async () => undefined });

describe('the CI report section', () => {
  it("shows the watched branch, success rate, a duration chart and the last runs, asked as the requester", async () => {
    expect(sections.map(s => s.id)).toEqual(['ci-status']);
    askedBy.length = 0;
    const html = renderToStaticMarkup((await render(api))!);
    expect(html).toContain('stacktalk/promptpulse, branch main: latest run API #');
    expect(html).toMatch(/\d+% of the last \d+ finished runs succeeded/);
    expect(html).toMatch(/<svg[^>]*aria-label="Run duration"/);
    expect(html).toContain('<th>Run</th>');
    expect(html).not.toContain('Web #'); // only the entity's workflows
    expect(askedBy.length).toBeGreaterThan(0);
    expect(askedBy.every(who => who === 'user:default/alice')).toBe(true);
  });

  it('is left out when the requester may not see the CI, and for entities without a repository', async () => {
    expect(await render(secretCi)).toBeUndefined();
    expect(await render(entity('no-ci', {}))).toBeUndefined();
  });
});
