/**
 * The catalog block of app-config.production.yaml, run by the real catalog backend: people and
 * groups come only from the organisation file CATALOG_ORG_LOCATION names; a location registered
 * by anyone else (here: a second file) may add software, never a User or a Group.
 */
import type { JsonObject } from '@backstage/config';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCatalog, REPO_ROOT, type LoadedCatalog } from './__testUtils__/loadCatalog';

jest.setTimeout(120_000);

const production = parse(readFileSync(resolve(REPO_ROOT, 'app-config.production.yaml'), 'utf8')).catalog as {
  rules: JsonObject[];
  locations: (JsonObject & { target: string })[];
};

const doc = (kind: string, name: string, spec: object) =>
  stringify({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name }, spec });

describe('the production catalog configuration', () => {
  it('never loads the example organisation', () => {
    expect(production.locations.map(l => l.target)).toEqual(['./catalog-info.yaml', '${CATALOG_ORG_LOCATION}']);
  });

  describe('loaded by the real catalog backend', () => {
    let catalog: LoadedCatalog;
    const dir = mkdtempSync(join(tmpdir(), 'stacktalk-org-'));
    beforeAll(async () => {
      writeFileSync(
        join(dir, 'org.yaml'),
        [doc('Group', 'platform', { type: 'team', children: [] }), doc('User', 'jane.doe', { memberOf: ['platform'] })].join('---\n'),
      );
      writeFileSync(
        join(dir, 'registered.yaml'),
        [
          doc('Group', 'fake-admins', { type: 'team', children: [] }),
          doc('User', 'mallory', { memberOf: ['platform'] }),
          doc('Component', 'payments-api', { type: 'service', lifecycle: 'production', owner: 'group:default/platform' }),
        ].join('---\n'),
      );
      // The configured locations with the organisation file's variable and the repository's
      // relative paths resolved, plus a second file as a registered location would be.
      const locations = production.locations.map(l => ({
        ...l,
        target: l.target === '${CATALOG_ORG_LOCATION}' ? join(dir, 'org.yaml') : resolve(REPO_ROOT, l.target),
      }));
      catalog = await loadCatalog([join(dir, 'registered.yaml')], { rules: production.rules, locations });
    });
    afterAll(() => catalog?.stop());

    const names = (kind: string) => catalog.entities.filter(e => e.kind === kind).map(e => e.metadata.name).sort();

    it('takes Users and Groups from the organisation file', () => {
      expect(names('User')).toEqual(['jane.doe']);
      expect(names('Group')).toEqual(['platform']);
    });

    it('refuses them from any other location, and says so (the catalog then refuses that whole file)', () => {
      expect(names('Component')).toEqual(['stacktalk-portal']);
      // The catalog stops at the first entity of a kind the location may not hold.
      expect(catalog.errors.map(e => e.message)).toEqual([
        expect.stringMatching(/^Entity (group:default\/fake-admins|user:default\/mallory) .* is not of an allowed kind for that location$/),
      ]);
    });
  });
});
