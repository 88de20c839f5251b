import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTechDocsReader } from './techdocsReader';
import { readDocsPages } from './techdocsPages';

const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'voice-gateway', namespace: 'default' }, spec: {} };
const SITE = '/api/techdocs/static/docs/default/component/voice-gateway/';

/** A TechDocs backend serving every path it is asked for, and noting each one as the server saw it. */
async function fakeTechDocs(files: Record<string, string>) {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    asked.push(req.url!);
    const path = decodeURIComponent(req.url!.startsWith(SITE) ? req.url!.slice(SITE.length) : '');
    if (files[path] === undefined) {
      res.statusCode = req.url!.startsWith(SITE) ? 404 : 200; // a neighbour's docs would be found
      res.end(req.url!.startsWith(SITE) ? '' : '<article><h1>Someone else’s docs</h1></article>');
      return;
    }
    res.setHeader('content-type', path.endsWith('.json') ? 'application/json' : 'text/html');
    res.end(files[path]);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/techdocs`;
  const read = createTechDocsReader({ discovery: { getBaseUrl: async () => base, getExternalBaseUrl: async () => base }, auth: mockServices.auth() })(
    entity,
    mockCredentials.user('user:default/ada.okafor'),
  );
  return { read, asked, close: () => new Promise(r => server.close(r)) };
}

describe('the TechDocs reader', () => {
  it("never asks for a path outside the entity's own docs", async () => {
    const site = await fakeTechDocs({ 'index.html': '<article><h1>Voice gateway</h1></article>' });
    try {
      expect(await site.read('index.html')).toMatchObject({ contentType: 'text/html' });
      const climbing = ['../payments-api/index.html', 'guide/../../payments-api/index.html', '%2e%2e/payments-api/index.html', '%2E%2E/%2e%2E/x', '%252e%252e/x', '..\\payments-api\\index.html', 'guide\\..\\..\\x', '/etc/passwd', './../x', 'guide/%2f../x', 'a%5c..%5c..%5cx', '.'];
      for (const path of climbing) {
        await expect([path, await site.read(path).then(() => 'read', (e: Error) => e.message)]).toEqual([path, expect.stringMatching(/^Refused TechDocs path/)]);
      }
      expect(site.asked).toEqual([`${SITE}index.html`]);
    } finally {
      await site.close();
    }
  });

  it("skips pages of a search index that point outside the entity's docs", async () => {
    const site = await fakeTechDocs({
      'techdocs_metadata.json': '{}',
      'search/search_index.json': JSON.stringify({ docs: [{ location: '' }, { location: '../../payments-api/' }, { location: '%2e%2e/%2e%2e/payments-api/' }] }),
      'index.html': '<article><h1>Voice gateway</h1></article>',
    });
    try {
      const pages = await readDocsPages(site.read);
      expect(pages.map(p => p.title)).toEqual(['Voice gateway']);
      expect(site.asked.every(url => url.startsWith(SITE))).toBe(true);
    } finally {
      await site.close();
    }
  });

  it('reads at most maxPages pages and says how many it left out', async () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({ location: `p${i}/` }));
    const files: Record<string, string> = { 'techdocs_metadata.json': '{}', 'search/search_index.json': JSON.stringify({ docs }) };
    for (let i = 0; i < 5; i++) files[`p${i}/index.html`] = `<article><h1>Page ${i}</h1></article>`;
    const site = await fakeTechDocs(files);
    try {
      const pages = await readDocsPages(site.read, { maxPages: 3 });
      expect(pages.map(p => p.title)).toEqual(['Page 0', 'Page 1', 'Page 2', 'Left out']);
      expect(pages[3].html).toContain('The site has 5 pages; this PDF holds the first 3 (reports.limits.maxTechDocsPages).');
      expect(site.asked.filter(u => u.endsWith('index.html'))).toHaveLength(3);
    } finally {
      await site.close();
    }
  });
});
