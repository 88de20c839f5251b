import type { AuthService, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export interface WarmupResult {
  entityRef: string;
  outcome: 'built' | 'up-to-date' | 'failed';
  message?: string;
}

/** The last `event:` of the techdocs sync event stream, with its data. */
export function lastSyncEvent(stream: string): { event: string; data: string } | undefined {
  const events = stream
    .split('\n\n')
    .map(block => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? '',
      data: /^data: (.*)$/m.exec(block)?.[1] ?? '',
    }))
    .filter(e => e.event);
  return events[events.length - 1];
}

/**
 * Asks the TechDocs backend to sync (build if stale) the docs of every entity that has a
 * `backstage.io/techdocs-ref`, one at a time so mkdocs never competes with itself for CPU.
 * The techdocs search collator then finds the sites without anyone having opened them.
 */
export class TechDocsWarmer {
  constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      discovery: DiscoveryService;
      logger: LoggerService;
      fetch?: typeof fetch;
    },
  ) {}

  async run(): Promise<WarmupResult[]> {
    const { auth, catalog, discovery, logger } = this.deps;
    const doFetch = this.deps.fetch ?? fetch;
    const { items } = await catalog.getEntities(
      {
        filter: { 'metadata.annotations.backstage.io/techdocs-ref': CATALOG_FILTER_EXISTS },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    const baseUrl = await discovery.getBaseUrl('techdocs');
    const results: WarmupResult[] = [];
    for (const entity of items as Entity[]) {
      const entityRef = stringifyEntityRef(entity);
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'techdocs',
      });
      const path = [entity.metadata.namespace ?? 'default', entity.kind, entity.metadata.name]
        .map(encodeURIComponent)
        .join('/');
      const result = await this.syncOne(doFetch, `${baseUrl}/sync/${path}`, token, entityRef);
      if (result.outcome === 'failed') {
        logger.warn(`TechDocs for ${entityRef} could not be built: ${result.message}`);
      } else {
        logger.info(`TechDocs for ${entityRef}: ${result.outcome}`);
      }
      results.push(result);
    }
    return results;
  }

  private async syncOne(
    doFetch: typeof fetch,
    url: string,
    token: string,
    entityRef: string,
  ): Promise<WarmupResult> {
    try {
      const res = await doFetch(url, { headers: { Authorization: `Bearer ${token}` } });
      const body = await res.text();
      if (!res.ok) return { entityRef, outcome: 'failed', message: `HTTP ${res.status}: ${body.slice(0, 200)}` };
      const last = lastSyncEvent(body);
      if (last?.event === 'finish') {
        const updated = JSON.parse(last.data || '{}').updated;
        return { entityRef, outcome: updated ? 'built' : 'up-to-date' };
      }
      return { entityRef, outcome: 'failed', message: last?.data || 'the build stream ended without a result' };
    } catch (error) {
      return { entityRef, outcome: 'failed', message: String(error) };
    }
  }
}
