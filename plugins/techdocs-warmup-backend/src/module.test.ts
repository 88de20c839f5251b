import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import techdocsPlugin from '@backstage/plugin-techdocs-backend';
import { lastSyncEvent } from './TechDocsWarmer';
import { techdocsModuleContentEtag } from './module';
import { docsSourceEtag } from './ContentHashDirectoryPreparer';

// The real TechDocs backend with the local publisher and Debian's mkdocs (as `make start` runs it),
// asked to sync one `dir:` site the way the warm-up and every TechDocs reader do.
jest.setTimeout(120_000);

const root = mkdtempSync(join(tmpdir(), 'techdocs-etag-'));
const site = join(root, 'site');
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'docs-a',
    namespace: 'default',
    uid: 'docs-a-uid',
    annotations: {
      'backstage.io/managed-by-location': `file:${join(site, 'catalog-info.yaml')}`,
      'backstage.io/managed-by-origin-location': `file:${join(site, 'catalog-info.yaml')}`,
      'backstage.io/techdocs-ref': 'dir:.',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'platform' },
};

function writeSite(indexText: string) {
  mkdirSync(join(site, 'docs'), { recursive: true });
  writeFileSync(join(site, 'mkdocs.yml'), 'site_name: Docs A\nnav:\n  - Home: index.md\nplugins:\n  - search\n');
  writeFileSync(join(site, 'docs', 'index.md'), `# Docs A\n\n${indexText}\n`);
}

async function startTechDocs(withContentEtag: boolean) {
  const { server } = await startTestBackend({
    features: [
      techdocsPlugin,
      ...(withContentEtag ? [techdocsModuleContentEtag] : []),
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.rootConfig.factory({
        data: {
          backend: { workingDirectory: root },
          techdocs: {
            builder: 'local',
            generator: { runIn: 'local', mkdocs: { omitTechdocsCorePlugin: true } },
            publisher: { type: 'local', local: { publishDirectory: join(root, 'published') } },
          },
        },
      }),
    ],
  });
  return server;
}

// TechDocs answers "up to date" without looking for 60 s after a check (an in-memory record per
// entity uid); each sync here happens "a minute later", as two warm-up cycles or visits do.
let clock = Date.now();
const realNow = Date.now;
beforeEach(() => jest.spyOn(Date, 'now').mockImplementation(() => clock));
afterEach(() => jest.restoreAllMocks());
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function syncAMinuteLater(server: Parameters<typeof request>[0]) {
  clock += 61_000;
  const res = await request(server)
    .get('/api/techdocs/sync/default/Component/docs-a')
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  const last = lastSyncEvent(res.text);
  expect(last?.event).toBe('finish');
  return JSON.parse(last!.data).updated as boolean;
}

describe('techdocsModuleContentEtag', () => {
  it('builds a dir: site once, skips the build while its sources are unchanged, and rebuilds after a change', async () => {
    clock = realNow();
    writeSite('First text.');
    const server = await startTechDocs(true);
    expect(await syncAMinuteLater(server)).toBe(true);
    const metadataPath = join(root, 'published', 'default', 'component', 'docs-a', 'techdocs_metadata.json');
    const first = JSON.parse(readFileSync(metadataPath, 'utf8'));
    expect(first.etag).toMatch(/^sha256:/);

    expect(await syncAMinuteLater(server)).toBe(false);
    expect(await syncAMinuteLater(server)).toBe(false);
    expect(JSON.parse(readFileSync(metadataPath, 'utf8')).build_timestamp).toBe(first.build_timestamp);

    writeSite('Second text.');
    expect(await syncAMinuteLater(server)).toBe(true);
    expect(await syncAMinuteLater(server)).toBe(false);
  });

  it('without it, stock TechDocs rebuilds the unchanged site on every sync (the cause of the banner)', async () => {
    writeSite('First text.');
    const server = await startTechDocs(false);
    // The same uid's last check is still in TechDocs' module-level record: step past it.
    expect(await syncAMinuteLater(server)).toBe(true);
    expect(await syncAMinuteLater(server)).toBe(true);
  });
});

describe('docsSourceEtag', () => {
  it('changes with a docs file or the title; refuses a docs_dir outside the site', async () => {
    writeSite('One.');
    const one = await docsSourceEtag(site, entity);
    expect(await docsSourceEtag(site, entity)).toBe(one);
    expect(await docsSourceEtag(site, { ...entity, metadata: { ...entity.metadata, title: 'Docs A!' } })).not.toBe(one);
    writeSite('Two.');
    expect(await docsSourceEtag(site, entity)).not.toBe(one);
    writeFileSync(join(site, 'mkdocs.yml'), 'site_name: Docs A\ndocs_dir: ../..\n');
    expect(await docsSourceEtag(site, entity)).toBeUndefined();
  });
});
