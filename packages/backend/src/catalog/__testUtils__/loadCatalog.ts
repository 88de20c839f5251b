import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { createBackendModule, type BackendFeature } from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { CATALOG_ERRORS_TOPIC } from '@backstage/plugin-catalog-backend';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/config';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../../..');

/** A processing error as the catalog publishes it (and the logs module logs it). */
export interface CatalogError {
  entity: string;
  /** Where the entity was read from, e.g. `file:/…/bad.yaml`. */
  location: string;
  message: string;
}

export interface LoadedCatalog {
  entities: Entity[];
  errors: CatalogError[];
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
export async function loadCatalog(
  locationFiles: string[],
  /** Replaces the test's catalog config (rules, and locations other than `locationFiles`; entity providers' config). */
  catalogConfig?: { rules: JsonObject[]; locations: JsonObject[]; providers?: JsonObject },
  /** Catalog modules next to the catalog (e.g. an entity provider). */
  features: BackendFeature[] = [],
): Promise<LoadedCatalog> {
  const errors = new Map<string, CatalogError>();
  const collectErrors = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-error-collector',
    register(env) {
      env.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-error-collector',
            topics: [CATALOG_ERRORS_TOPIC],
            async onEvent({ eventPayload }) {
              const payload = eventPayload as { entity: string; location: string; errors: Error[] };
              for (const error of payload.errors) {
                errors.set(`${payload.entity} ${error.message}`, {
                  entity: payload.entity,
                  location: payload.location,
                  message: error.message,
                });
              }
            },
          });
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      // jest runs without ESM support, so the plugin is required rather than import()ed
      require('@backstage/plugin-catalog-backend').default,
      collectErrors,
      ...features,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: catalogConfig?.rules ?? CATALOG_RULES,
            locations: [
              ...(catalogConfig?.locations ?? []),
              ...locationFiles.map(target => ({ type: 'file', target })),
            ],
            ...(catalogConfig?.providers ? { providers: catalogConfig.providers } : {}),
          },
        },
      }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}`;
  const get = async (path: string) => {
    const res = await fetch(`${baseUrl}/api/catalog${path}`, {
      headers: { Authorization: mockCredentials.service.header() },
    });
    if (!res.ok) throw new Error(`catalog answered ${res.status} for ${path}`);
    return res.json();
  };

  // Settled: the same entities and errors for three seconds in a row.
  let entities: Entity[] = [];
  let lastChange = Date.now();
  let previous = '';
  while (Date.now() - lastChange < 3_000) {
    await new Promise(r => setTimeout(r, 500));
    entities = await get('/entities');
    const stitched = entities.every(e => e.relations !== undefined);
    const state = `${entities.length}/${errors.size}/${stitched}`;
    if (state !== previous) {
      previous = state;
      lastChange = Date.now();
    }
  }
  return { entities, errors: [...errors.values()], stop: () => backend.stop() };
}
