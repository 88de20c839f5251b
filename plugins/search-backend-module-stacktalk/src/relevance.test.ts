import { mockServices } from '@backstage/backend-test-utils';
import { LunrSearchEngine } from '@backstage/plugin-search-backend-node';
import type { IndexableDocument } from '@backstage/plugin-search-common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { exactLunrTranslator } from './exactLunrTranslator';
import { TechDocsPageDeduplicator } from './TechDocsPageDeduplicator';

// The report service's real docs, built by Debian's mkdocs, as the TechDocs collator indexes them.
const SITE = resolve(__dirname, '../../../examples/stacktalk/report-service');
const BASE = '/docs/default/component/stacktalk-report-service/';
let collated: IndexableDocument[];
beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'mkdocs-'));
  execFileSync('mkdocs', ['build', '-q', '-f', join(SITE, 'mkdocs.yml'), '-d', out]);
  const index = JSON.parse(readFileSync(join(out, 'search', 'search_index.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  collated = index.docs.map((d: { location: string; title: string; text: string }) => ({
    title: d.title,
    text: d.text,
    location: `${BASE}${d.location}`,
  }));
}, 60_000);

async function deduplicated(docs: IndexableDocument[]) {
  const out: IndexableDocument[] = [];
  await pipeline(
    Readable.from(docs),
    new TechDocsPageDeduplicator(),
    new Writable({ objectMode: true, write: (d, _e, done) => { out.push(d); done(); } }),
  );
  return out;
}

async function search(docs: IndexableDocument[], term: string, exact: boolean) {
  const engine = new LunrSearchEngine({ logger: mockServices.logger.mock() });
  if (exact) engine.setTranslator(exactLunrTranslator);
  const indexer = await engine.getIndexer('techdocs');
  await pipeline(Readable.from(docs), indexer);
  const { results } = await engine.query({ term, types: ['techdocs'] });
  return results.map(r => `${r.document.title} ${r.document.location.slice(BASE.length)}`);
}

describe('TechDocsPageDeduplicator', () => {
  it('keeps one entry per page section and drops the whole-page duplicates', async () => {
    const docs = await deduplicated(collated);
    const runbook = collated.filter(d => d.title === 'Runbook').map(d => d.location.slice(BASE.length));
    expect(runbook).toEqual(['runbook/', 'runbook/#runbook']); // the duplicate, as mkdocs writes it
    expect(docs.filter(d => d.title === 'Runbook').map(d => d.location.slice(BASE.length))).toEqual(['runbook/#runbook']);
    expect(docs.every(d => d.location.includes('#'))).toBe(true);
    expect(docs).toHaveLength(collated.filter(d => d.location.includes('#')).length);
  });

  it('keeps the single entry of a page without headings', async () => {
    const page = { title: 'Plain', text: 'no headings', location: `${BASE}plain/` };
    expect(await deduplicated([page, { title: 'Next', text: 't', location: `${BASE}next/` }])).toEqual([
      page,
      { title: 'Next', text: 't', location: `${BASE}next/` },
    ]);
  });
});

describe('exactLunrTranslator', () => {
  it('finds an exact phrase in its section only; the stock query also returns fuzzy matches and the page twice', async () => {
    const phrase = 'obsidian-ledger reconciliation';
    const stock = await search(collated, phrase, false);
    expect(stock.length).toBeGreaterThan(2);
    expect(await search(await deduplicated(collated), phrase, true)).toEqual([
      'Nightly reconciliation runbook/#nightly-reconciliation',
    ]);
  });

  it('matches a word being typed, and stemmed words', async () => {
    const docs = await deduplicated(collated);
    expect(await search(docs, 'obsid', true)).toEqual(['Nightly reconciliation runbook/#nightly-reconciliation']);
    expect(await search(docs, 'reconciliations', true)).toContain('Nightly reconciliation runbook/#nightly-reconciliation');
    expect(await search(docs, 'the obsidian ledger', true)).toHaveLength(1); // stop words are not required
    expect(await search(docs, 'obsidain', true)).toEqual([]); // no typo matches
  });
});
