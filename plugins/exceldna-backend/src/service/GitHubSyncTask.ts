import type { AuthService, LoggerService, SchedulerService, SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { EXCELDNA_WORKFLOW_ANNOTATION } from '@stacktalk/plugin-exceldna-common';
import type { Knex } from 'knex';
import type { GitHubBuilds } from './GitHubBuilds';

export const GITHUB_SYNC_TASK_ID = 'exceldna-github-sync';
const SLUG_ANNOTATION = 'github.com/project-slug';

export interface GitHubSyncState {
  /** No sync of this entity has finished yet, or one is running now. */
  syncing: boolean;
  lastSyncedAt?: string;
  stale?: { since: string; reason: string };
  problem?: string;
}

/** Timestamps come back as Date (PostgreSQL), epoch milliseconds or text (SQLite). */
function iso(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || /^\d+$/.test(String(v))) return new Date(Number(v)).toISOString();
  return new Date(String(v)).toISOString();
}

/**
 * The GitHub builds of every annotated entity, brought in by a scheduled task of Backstage's
 * scheduler in `global` scope: its database lock runs it on one replica at a time. The builds
 * route only reads the state this task writes (and asks the scheduler for a run when an entity
 * was never synced).
 */
export class GitHubSyncTask {
  constructor(
    private readonly o: {
      db: Knex;
      catalog: CatalogService;
      auth: AuthService;
      github: GitHubBuilds;
      scheduler: SchedulerService;
      logger: LoggerService;
      schedule: SchedulerServiceTaskScheduleDefinition;
    },
  ) {}

  async schedule(): Promise<void> {
    await this.o.scheduler.scheduleTask({
      id: GITHUB_SYNC_TASK_ID,
      scope: 'global',
      ...this.o.schedule,
      fn: async signal => this.run(signal),
    });
  }

  /** One pass over the annotated entities (the task's body; also called directly by tests). */
  async run(signal?: { aborted: boolean }): Promise<void> {
    const credentials = await this.o.auth.getOwnServiceCredentials();
    const { items } = await this.o.catalog.getEntities(
      { fields: ['kind', 'metadata.namespace', 'metadata.name', 'metadata.annotations'] },
      { credentials },
    );
    for (const entity of items) {
      if (signal?.aborted) return;
      const workflow = entity.metadata.annotations?.[EXCELDNA_WORKFLOW_ANNOTATION];
      const slug = entity.metadata.annotations?.[SLUG_ANNOTATION];
      if (!workflow || !slug) continue;
      await this.syncEntity(stringifyEntityRef(entity), slug, workflow.replace(/^\.github\/workflows\//, ''));
    }
  }

  private async syncEntity(entityRef: string, slug: string, workflowFile: string): Promise<void> {
    const table = () => this.o.db('exceldna_github_sync');
    await table().insert({ entity_ref: entityRef, syncing_since: new Date() }).onConflict('entity_ref').merge(['syncing_since']);
    try {
      const r = await this.o.github.sync(entityRef, slug, workflowFile);
      await table()
        .where({ entity_ref: entityRef })
        .update({ syncing_since: null, last_synced_at: new Date(), stale_since: r.stale?.since ?? null, stale_reason: r.stale?.reason ?? null, problem: null });
    } catch (e) {
      this.o.logger.warn(`exceldna: GitHub builds of ${entityRef} not synced: ${(e as Error).message}`);
      await table().where({ entity_ref: entityRef }).update({ syncing_since: null, problem: `GitHub builds not synced: ${(e as Error).message}` });
    }
  }

  /** What the builds route reports; an entity never synced asks the scheduler for a run now. */
  async state(entityRef: string): Promise<GitHubSyncState> {
    const row = await this.o.db('exceldna_github_sync').where({ entity_ref: entityRef }).first();
    if (!row?.last_synced_at && !row?.problem) {
      // not awaited: with the real scheduler this only marks the global task due (a ConflictError
      // when it runs already); the request does not wait for GitHub
      Promise.resolve()
        .then(() => this.o.scheduler.triggerTask(GITHUB_SYNC_TASK_ID))
        .catch(() => undefined);
    }
    return {
      syncing: !row?.last_synced_at || !!row.syncing_since,
      lastSyncedAt: iso(row?.last_synced_at),
      stale: row?.stale_since ? { since: row.stale_since, reason: row.stale_reason ?? '' } : undefined,
      problem: row?.problem ?? undefined,
    };
  }
}
