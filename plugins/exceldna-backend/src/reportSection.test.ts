/**
 * The Excel add-in report section through the real exceldna plugin's HTTP routes (startTestBackend),
 * asked on behalf of the report's requester. Builds are pushed through the upload route.
 */
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { buildAddIns, describeWithFixtures } from '@stacktalk/plugin-exceldna-node/testUtils';
import { reportsSectionsExtensionPoint, type ReportSection } from '@stacktalk/plugin-reports-node';
import { renderToStaticMarkup } from 'react-dom/server';
import request from 'supertest';
import { exceldnaPlugin } from './plugin';
import { exceldnaReportSectionModule } from './reportSection';

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations: { 'stacktalk.io/exceldna-workflow': 'build-addin.yml' } },
  spec: { type: 'library', lifecycle: 'production', owner: 'group:default/desk' },
});
const addin = entity('addin');
const hidden = entity('hidden-addin');

describeWithFixtures()('the Excel add-in report section', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const sections: ReportSection[] = [];
  const askedBy: string[] = [];

  beforeAll(async () => {
    const set = buildAddIns();
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
        exceldnaReportSectionModule,
        exceldnaPlugin,
        mockServices.rootConfig.factory({ data: { exceldna: { trustedRoots: set.roots } } }),
        catalogServiceMock.factory({ entities: [addin, hidden] }),
        mockServices.permissions.mock({
          authorize: async (requests, { credentials }) => {
            askedBy.push((credentials.principal as { userEntityRef?: string }).userEntityRef ?? 'service');
            return requests.map(r => ({ result: (r as { resourceRef?: string }).resourceRef === 'component:default/hidden-addin' ? AuthorizeResult.DENY : AuthorizeResult.ALLOW })) as any;
          },
        }).factory,
      ],
    });
    const push = (name: string, fileName: string, body: Buffer) =>
      request(backend.server)
        .post(`/api/exceldna/entities/component/default/${name}/uploads`)
        .query({ build: 'b1', version: '2.0.0', branch: 'main', fileName })
        .set('authorization', mockCredentials.service.header())
        .set('content-type', 'application/octet-stream')
        .send(body)
        .expect(201);
    await push('addin', 'AddIn64.xll', set.unsigned64);
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
  }, 60_000);

  const render = (e: Entity) =>
    sections[0].render({ entity: e, credentials: mockCredentials.user('user:default/alice'), signal: new AbortController().signal, getEntity: async () => undefined });

  it("shows the latest build's verdict, its problems and its files, asked as the requester", async () => {
    expect(sections.map(s => s.id)).toEqual(['exceldna']);
    askedBy.length = 0;
    const html = renderToStaticMarkup((await render(addin))!);
    expect(html).toContain('Latest build 2.0.0 (main, ');
    expect(html).toContain('<b>blocked</b>');
    expect(html).toContain('<li>no x86 add-in</li>');
    expect(html).toContain('<li>AddIn64.xll: not signed</li>');
    expect(html).toContain('<td>AddIn64.xll</td><td>x64</td><td>yes</td><td>unsigned</td>');
    expect(askedBy).toEqual(['user:default/alice']);
  });

  it('is left out when the requester may not see the builds, and for entities without the annotation', async () => {
    expect(await render(hidden)).toBeUndefined();
    expect(await render({ ...addin, metadata: { name: 'plain', namespace: 'default' } })).toBeUndefined();
  });
});
