import type { LoggerService } from '@backstage/backend-plugin-api';
import type { CiGitHubService } from '@stacktalk/plugin-ci-status-node';
import type { BuildStore } from './BuildStore';
import type { ExceldnaConfig } from './config';
import { xllFilesOfZip } from './zip';

export interface GitHubSyncResult {
  checkedAt?: string;
  stale?: { since: string; reason: string };
  problem?: string;
}

/**
 * Brings an entity's GitHub builds into the store: the workflow's successful runs, each run's
 * artifacts downloaded and inspected once (a run already stored is not downloaded again).
 * GitHub access is the CI status plugin's (credentials, cache, rate limits).
 */
export class GitHubBuilds {
  private readonly inFlight = new Map<string, Promise<GitHubSyncResult>>();

  constructor(
    private readonly deps: { github: CiGitHubService; store: BuildStore; config: ExceldnaConfig; logger: LoggerService },
  ) {}

  sync(entityRef: string, slug: string, workflowFile: string): Promise<GitHubSyncResult> {
    const key = `${entityRef} ${slug} ${workflowFile}`;
    let p = this.inFlight.get(key);
    if (!p) {
      p = this.run(entityRef, slug, workflowFile).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }

  private async run(entityRef: string, slug: string, workflowFile: string): Promise<GitHubSyncResult> {
    const { github, store, config, logger } = this.deps;
    const repo = github.forRepo(slug);
    const runs = await repo.listWorkflowRuns({ workflowFile, status: 'success', perPage: config.maxRuns });
    for (const run of runs.data.workflow_runs) {
      if (await store.hasBuild(entityRef, 'github', String(run.id))) continue;
      const artifacts = await repo.listRunArtifacts(run.id);
      const files: Array<{ fileName: string; content: Buffer }> = [];
      for (const artifact of artifacts.data.artifacts) {
        if (artifact.expired) continue;
        try {
          const zip = await repo.downloadArtifact(artifact.id, { maxBytes: config.artifactMaxBytes });
          files.push(...(await xllFilesOfZip(zip, config.artifactMaxBytes)));
        } catch (e) {
          logger.warn(`exceldna: artifact ${artifact.id} of ${slug} run ${run.id} skipped: ${(e as Error).message}`);
        }
      }
      if (!files.length) continue;
      await store.addBuild({
        entityRef,
        source: 'github',
        buildKey: String(run.id),
        version: `#${run.run_number}`,
        branch: run.head_branch,
        commit: run.head_sha,
        url: run.html_url,
        createdAt: run.created_at,
        files,
      });
    }
    return { checkedAt: runs.checkedAt, stale: runs.stale };
  }
}
