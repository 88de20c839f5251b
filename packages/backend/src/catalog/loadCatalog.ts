import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../..');

export interface LoadedCatalog {
  entities: Entity[];
  stop(): Promise<void>;
}

const CATALOG_RULES = [
  { allow: ['Component', 'System', 'API', 'Resource', 'Location', 'Domain', 'Group', 'User'] },
];

/**
 * Runs the real catalog backend (its processors, validation, policies and stitching) over
 * file locations and waits until processing settles: the same entity count and stitched
 * relations on two consecutive polls.
 */
export async function loadCatalog(locationFiles: string[]): Promise<LoadedCatalog> {
  const backend = await startTestBackend({
    features: [
      // jest runs without ESM support, so the plugin is required rather than import()ed
      require('@backstage/plugin-catalog-backend').default,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: CATALOG_RULES,
            locations: locationFiles.map(target => ({ type: 'file', target })),
          },
        },
      }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;
  const fetchAll = async (): Promise<Entity[]> => {
    const res = await fetch(`${baseUrl}/api/catalog/entities`, {
      headers: { Authorization: mockCredentials.service.header() },
    });
    if (!res.ok) throw new Error(`catalog answered ${res.status}`);
    return res.json();
  };

  let previous = -1;
  let entities: Entity[] = [];
  for (let attempt = 0; attempt < 120; attempt++) {
    await new Promise(r => setTimeout(r, 500));
    entities = await fetchAll();
    const stitched = entities.every(e => e.kind === 'Location' || e.relations !== undefined);
    if (entities.length > 0 && entities.length === previous && stitched) break;
    previous = entities.length;
  }
  return { entities, stop: () => backend.stop() };
}

/** Every error the catalog attached to an entity while processing it or its children. */
export function processingErrors(entities: Entity[]) {
  return entities.flatMap(entity =>
    ((entity as any).status?.items ?? [])
      .filter((item: any) => item.level === 'error')
      .map((item: any) => ({
        entity: `${entity.kind}:${entity.metadata.name}`,
        location: entity.metadata.annotations?.['backstage.io/managed-by-location'],
        message: String(item.error?.message ?? item.message),
      })),
  );
}
