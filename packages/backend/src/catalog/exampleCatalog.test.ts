import { resolve } from 'node:path';
import { loadCatalog, REPO_ROOT, type LoadedCatalog } from './__testUtils__/loadCatalog';

jest.setTimeout(120_000);

describe('the example catalog, loaded by the real catalog backend', () => {
  let catalog: LoadedCatalog;
  beforeAll(async () => {
    catalog = await loadCatalog([
      resolve(REPO_ROOT, 'catalog-info.yaml'),
      resolve(REPO_ROOT, 'examples/all.yaml'),
    ]);
  });
  afterAll(() => catalog?.stop());

  it('has no processing errors', () => {
    expect(catalog.errors).toEqual([]);
  });

  it('holds a whole organisation: at least 40 entities of every kind', () => {
    const real = catalog.entities.filter(e => e.kind !== 'Location');
    expect(real.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(real.map(e => e.kind));
    for (const kind of ['Domain', 'System', 'Component', 'API', 'Resource', 'Group', 'User']) {
      expect(kinds).toContain(kind);
    }
  });

  it('has one system per seed document', () => {
    const systems = catalog.entities.filter(e => e.kind === 'System').map(e => e.metadata.name);
    expect(systems).toEqual(
      expect.arrayContaining(['stacktalk', 'voice-assistant', 'promptpulse']),
    );
    expect(systems.length).toBeGreaterThanOrEqual(5);
  });

  it('resolves every ownership and dependency to an entity that exists', () => {
    const refs = new Set(
      catalog.entities.map(
        e => `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase(),
      ),
    );
    const dangling = catalog.entities.flatMap(e =>
      (e.relations ?? [])
        .filter(r => !refs.has(r.targetRef.toLowerCase()))
        .map(r => `${e.metadata.name} ${r.type} ${r.targetRef}`),
    );
    expect(dangling).toEqual([]);
  });

  it('gives components the annotations the portal plugins read', () => {
    const components = catalog.entities.filter(e => e.kind === 'Component');
    const withAnnotation = (key: string) =>
      components.filter(c => c.metadata.annotations?.[key]).length;
    expect(withAnnotation('github.com/project-slug')).toBe(components.length);
    expect(withAnnotation('backstage.io/kubernetes-id')).toBeGreaterThanOrEqual(8);
    expect(withAnnotation('backstage.io/techdocs-ref')).toBeGreaterThanOrEqual(4);
  });

  it('has at least two APIs with full OpenAPI definitions', () => {
    const openapi = catalog.entities.filter(
      e => e.kind === 'API' && (e.spec as any)?.type === 'openapi',
    );
    const documented = openapi.filter(e => {
      const definition = String((e.spec as any).definition);
      return /openapi:\s*3/.test(definition) && /paths:/.test(definition) && /components:/.test(definition);
    });
    expect(documented.length).toBeGreaterThanOrEqual(2);
  });
});

describe('a catalog location holding an invalid entity file', () => {
  let catalog: LoadedCatalog;
  beforeAll(async () => {
    catalog = await loadCatalog([
      resolve(REPO_ROOT, 'examples/fixtures/invalid-catalog/location.yaml'),
    ]);
  });
  afterAll(() => catalog?.stop());

  it('still loads the valid entities next to it', () => {
    const names = catalog.entities.map(e => e.metadata.name);
    expect(names).toContain('fixture-good-service');
  });

  it('reports the invalid file with its reason', () => {
    expect(catalog.errors).toEqual([
      expect.objectContaining({
        location: expect.stringMatching(/invalid-catalog\/bad\.yaml$/),
        message: expect.stringMatching(/"metadata\.name" is not valid.*Not A Valid Name!!/),
      }),
    ]);
  });
});
