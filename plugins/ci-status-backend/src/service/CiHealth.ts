import type { BackstageCredentials, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_GITHUB_PROJECT_SLUG,
  ciStatusReadPermission,
  getCiRepo,
  getCiWorkflows,
  type CiHealthEntry,
  type CiHealthResponse,
} from '@stacktalk/plugin-ci-status-common';
import type { CiStatusService } from './CiStatusService';
import { runState } from './runs';

const ORDER: Record<CiHealthEntry['state'], number> = { failing: 0, running: 1, unknown: 2, passing: 3 };
const CONCURRENCY = 4;

/** `platform` and `group:default/platform` are one owner. */
function ownerRef(entity: Entity): string {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return 'unowned';
  try {
    return stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }));
  } catch {
    return owner;
  }
}

/** The portal-wide CI health page: components whose watched branch fails, grouped by owner. */
export class CiHealth {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      permissions: PermissionsService;
      service: CiStatusService;
      logger: LoggerService;
      maxComponents: number;
    },
  ) {}

  async report(credentials: BackstageCredentials): Promise<CiHealthResponse> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'Component', [`metadata.annotations.${ANNOTATION_GITHUB_PROJECT_SLUG}`]: CATALOG_FILTER_EXISTS },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.annotations', 'spec.owner'],
        limit: this.options.maxComponents,
        order: { field: 'metadata.name', order: 'asc' },
      },
      { credentials },
    );
    const refs = items.map(entity => stringifyEntityRef(entity));
    const decisions = refs.length
      ? await this.options.permissions.authorize(refs.map(resourceRef => ({ permission: ciStatusReadPermission, resourceRef })), { credentials })
      : [];
    const visible = items.filter((_, i) => decisions[i].result === AuthorizeResult.ALLOW);
    const entries: CiHealthEntry[] = new Array(visible.length);
    let next = 0;
    const worker = async () => {
      while (next < visible.length) {
        const index = next++;
        entries[index] = await this.#entry(visible[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, visible.length) }, worker));
    const byOwner = new Map<string, CiHealthEntry[]>();
    for (const entry of entries) byOwner.set(entry.owner, [...(byOwner.get(entry.owner) ?? []), entry]);
    const groups = [...byOwner.entries()].map(([owner, list]) => ({
      owner,
      entries: list.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.title.localeCompare(b.title)),
    }));
    const failing = (group: { entries: CiHealthEntry[] }) => group.entries.filter(e => e.state === 'failing').length;
    groups.sort((a, b) => failing(b) - failing(a) || a.owner.localeCompare(b.owner));
    return { generatedAt: new Date().toISOString(), groups };
  }

  async #entry(entity: Entity): Promise<CiHealthEntry> {
    const repo = getCiRepo(entity);
    const entityRef = stringifyEntityRef(entity);
    const base = {
      entityRef,
      title: entity.metadata.title ?? entity.metadata.name,
      owner: ownerRef(entity),
      repo: repo ? `${repo.owner}/${repo.repo}` : String(entity.metadata.annotations?.[ANNOTATION_GITHUB_PROJECT_SLUG]),
    };
    if (!repo) return { ...base, branch: '', state: 'unknown', error: 'not an owner/repo slug' };
    try {
      const summary = await this.options.service.summaryOf({ entity, entityRef, repo, workflows: getCiWorkflows(entity) });
      const [watched] = summary.branches;
      return { ...base, branch: watched.branch, state: runState(watched.latest), latest: watched.latest, stale: summary.stale };
    } catch (error) {
      this.options.logger.warn(`CI health of ${entityRef} (${base.repo}): ${(error as Error).message}`);
      return { ...base, branch: '', state: 'unknown', error: (error as Error).message };
    }
  }
}
