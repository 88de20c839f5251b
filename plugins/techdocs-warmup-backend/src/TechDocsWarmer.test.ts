import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { lastSyncEvent, TechDocsWarmer } from './TechDocsWarmer';

const component = (name: string, techdocs: boolean): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: techdocs ? { 'backstage.io/techdocs-ref': 'dir:.' } : {},
  },
  spec: {},
});

const sse = (...events: [string, unknown][]) =>
  events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

describe('lastSyncEvent', () => {
  it('returns the final event of a techdocs sync stream', () => {
    expect(lastSyncEvent(sse(['log', 'building'], ['finish', { updated: true }]))).toEqual({
      event: 'finish',
      data: '{"updated":true}',
    });
    expect(lastSyncEvent('')).toBeUndefined();
  });
});

describe('TechDocsWarmer', () => {
  it('syncs only entities with techdocs, with a service token, and reports each outcome', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      calls.push({ url, auth: new Headers(init?.headers).get('authorization') });
      if (url.endsWith('/docs-a')) return new Response(sse(['log', 'mkdocs build'], ['finish', { updated: true }]));
      if (url.endsWith('/docs-b')) return new Response(sse(['finish', { updated: false }]));
      return new Response(sse(['error', 'mkdocs: Config file not found']));
    }) as typeof fetch;
    const logger = mockServices.logger.mock();
    const warmer = new TechDocsWarmer({
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      logger,
      catalog: catalogServiceMock({
        entities: [component('docs-a', true), component('docs-b', true), component('broken', true), component('plain', false)],
      }),
      fetch: fakeFetch,
    });

    const results = await warmer.run();

    expect(calls.map(c => c.url.replace(/^.*\/api\/techdocs/, ''))).toEqual([
      '/sync/default/Component/docs-a',
      '/sync/default/Component/docs-b',
      '/sync/default/Component/broken',
    ]);
    expect(calls.every(c => c.auth?.startsWith('Bearer '))).toBe(true);
    expect(results).toEqual([
      { entityRef: 'component:default/docs-a', outcome: 'built' },
      { entityRef: 'component:default/docs-b', outcome: 'up-to-date' },
      { entityRef: 'component:default/broken', outcome: 'failed', message: '"mkdocs: Config file not found"' },
    ]);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('component:default/broken'));
  });

  it('counts an HTTP error from the techdocs backend as a failed build', async () => {
    const warmer = new TechDocsWarmer({
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      logger: mockServices.logger.mock(),
      catalog: catalogServiceMock({ entities: [component('docs-a', true)] }),
      fetch: (async () => new Response('nope', { status: 403 })) as unknown as typeof fetch,
    });
    expect(await warmer.run()).toEqual([
      { entityRef: 'component:default/docs-a', outcome: 'failed', message: 'HTTP 403: nope' },
    ]);
  });
});
