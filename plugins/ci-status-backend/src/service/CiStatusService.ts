import type { AuditorService, BackstageCredentials, LoggerService, PermissionsService } from '@backstage/backend-plugin-api';
import { type Entity, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ciRunRerunPermission,
  ciStatusReadPermission,
  getCiBranch,
  getCiRepo,
  getCiWorkflows,
  type CiJobLogResponse,
  type CiRepoRef,
  type CiRunDetailResponse,
  type CiRunsResponse,
  type CiSummaryResponse,
  type Staleness,
  ANNOTATION_GITHUB_PROJECT_SLUG,
} from '@stacktalk/plugin-ci-status-common';
import type { CiGitHubService, GitHubAnswer } from '@stacktalk/plugin-ci-status-node';
import { distinct, filterRuns, ofWorkflows, summarize, toCiRun, type RunFilters } from './runs';
import { logTail } from './logTail';
import type { CiNotifier } from './CiNotifier';
import type { CiStatusConfig } from './config';

/** Runs kept per repository: one shared cache entry and upstream request per refresh interval. */
export const RUNS_PER_REPO = 100;

interface EntityCi {
  entity: Entity;
  entityRef: string;
  repo: CiRepoRef;
  workflows: string[];
}

const worst = (...answers: Array<{ stale?: Staleness }>) => answers.find(answer => answer.stale)?.stale;

/** CI status of catalog entities: what the routes call. Every method authorizes its caller. */
export class CiStatusService {
  constructor(
    private readonly options: {
      github: CiGitHubService;
      catalog: CatalogService;
      permissions: PermissionsService;
      auditor: AuditorService;
      notifier: CiNotifier;
      logger: LoggerService;
      config: CiStatusConfig;
    },
  ) {}

  /** The entity as the caller sees it (404 otherwise), with its repository; `ci.status.read` checked. */
  async entityCi(ref: string, credentials: BackstageCredentials): Promise<EntityCi> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(ref));
    } catch (e) {
      throw new InputError(`"${ref.slice(0, 100)}" is not an entity ref: ${(e as Error).message}`);
    }
    const entity = await this.options.catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
    const [decision] = await this.options.permissions.authorize(
      [{ permission: ciStatusReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) throw new NotAllowedError(`You may not see the CI status of ${entityRef} (ci.status.read)`);
    const repo = getCiRepo(entity);
    if (!repo) {
      throw new InputError(
        `${entityRef} has no ${ANNOTATION_GITHUB_PROJECT_SLUG} annotation (owner/repo); add it to its catalog-info.yaml to see its CI`,
      );
    }
    return { entity, entityRef, repo, workflows: getCiWorkflows(entity) };
  }

  async runs(ref: string, filters: RunFilters, credentials: BackstageCredentials): Promise<CiRunsResponse> {
    const ci = await this.entityCi(ref, credentials);
    const answer = await this.options.github.forRepo(ci.repo).listWorkflowRuns({ perPage: RUNS_PER_REPO });
    const all = ofWorkflows(answer.data.workflow_runs, ci.workflows).map(toCiRun);
    return {
      repo: `${ci.repo.owner}/${ci.repo.repo}`,
      runs: filterRuns(all, filters),
      workflows: distinct(all.map(run => run.workflowFile)).sort(),
      branches: distinct(all.map(run => run.branch)),
      checkedAt: answer.checkedAt,
      stale: answer.stale,
    };
  }

  /** A run of the entity's workflows (404 for a run of another workflow or repository). */
  async runDetail(ref: string, runId: number, credentials: BackstageCredentials): Promise<CiRunDetailResponse> {
    const ci = await this.entityCi(ref, credentials);
    const client = this.options.github.forRepo(ci.repo);
    const run = await this.#run(ci, runId);
    const jobs = await client.listRunJobs(runId);
    return {
      run: toCiRun(run.data),
      jobs: jobs.data.jobs,
      checkedAt: jobs.checkedAt < run.checkedAt ? jobs.checkedAt : run.checkedAt,
      stale: worst(run, jobs),
    };
  }

  async jobLog(ref: string, runId: number, jobId: number, credentials: BackstageCredentials): Promise<CiJobLogResponse> {
    const ci = await this.entityCi(ref, credentials);
    await this.#run(ci, runId);
    const client = this.options.github.forRepo(ci.repo);
    const job = (await client.listRunJobs(runId)).data.jobs.find(candidate => candidate.id === jobId);
    if (!job) throw new NotFoundError(`Run ${runId} has no job ${jobId}`);
    const log = await client.getJobLog(jobId);
    return { jobId, url: job.html_url, ...logTail(log.data, this.options.config.logTailLines) };
  }

  async summary(ref: string, credentials: BackstageCredentials): Promise<CiSummaryResponse> {
    const ci = await this.entityCi(ref, credentials);
    return this.summaryOf(ci);
  }

  async summaryOf(ci: EntityCi): Promise<CiSummaryResponse> {
    const client = this.options.github.forRepo(ci.repo);
    const branch = getCiBranch(ci.entity) ?? (await client.getRepository()).data.default_branch;
    const answer = await client.listWorkflowRuns({ perPage: RUNS_PER_REPO });
    const runs = ofWorkflows(answer.data.workflow_runs, ci.workflows).map(toCiRun);
    return {
      repo: `${ci.repo.owner}/${ci.repo.repo}`,
      ...summarize(runs, [branch], this.options.config.chartRuns),
      checkedAt: answer.checkedAt,
      stale: answer.stale,
    };
  }

  /** Re-runs a run (or its failed jobs) for a person allowed `ci.run.rerun` on the entity; audited either way. */
  async rerun(ref: string, runId: number, failedOnly: boolean, credentials: BackstageCredentials, request: import('express').Request) {
    const ci = await this.entityCi(ref, credentials);
    const audit = await this.options.auditor.createEvent({
      eventId: 'ci-run-rerun',
      severityLevel: 'medium',
      request,
      meta: { entityRef: ci.entityRef, repo: `${ci.repo.host}/${ci.repo.owner}/${ci.repo.repo}`, runId, failedOnly },
    });
    const [decision] = await this.options.permissions.authorize(
      [{ permission: ciRunRerunPermission, resourceRef: ci.entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      const error = new NotAllowedError(`You may not re-run CI of ${ci.entityRef} (ci.run.rerun: its owners and admins may)`);
      await audit.fail({ error });
      throw error;
    }
    try {
      const run = await this.#run(ci, runId);
      if (run.data.status !== 'completed') throw new InputError(`Run ${runId} is still ${run.data.status}; wait for it to finish`);
      const client = this.options.github.forRepo(ci.repo);
      if (failedOnly) await client.rerunFailedJobs(runId);
      else await client.rerunRun(runId);
      const queued = { ...run.data, status: 'queued', conclusion: null, run_attempt: (run.data.run_attempt ?? 1) + 1 };
      await client.applyRunEvent(queued);
      await this.options.notifier.runChanged(ci.repo, { kind: 'workflow_run', runId, status: 'queued', conclusion: null });
      await audit.success();
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  async #run(ci: EntityCi, runId: number): Promise<GitHubAnswer<import('@stacktalk/plugin-ci-status-common').WorkflowRun>> {
    const run = await this.options.github.forRepo(ci.repo).getWorkflowRun(runId);
    if (ofWorkflows([run.data], ci.workflows).length === 0) {
      throw new NotFoundError(`Run ${runId} is not a run of ${ci.entityRef}'s workflows`);
    }
    return run;
  }
}
