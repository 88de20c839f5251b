import { InputError } from '@backstage/errors';
import type { JsonValue } from '@backstage/types';
import type { CiRepoRef, WorkflowJob, WorkflowRun } from '@stacktalk/plugin-ci-status-common';
import { contentHash } from './cacheEntry';
import type { GitHubFetcher } from './GitHubFetcher';
import type {
  ArtifactList,
  CiRepoClient,
  RepositoryInfo,
  GitHubAnswer,
  WorkflowJobList,
  WorkflowRunList,
  WorkflowRunsQuery,
} from './types';

const DEFAULT_MAX_ARTIFACT_BYTES = 200 * 1024 * 1024;
const WORKFLOW_FILE = /^[A-Za-z0-9._-]{1,100}\.ya?ml$/;

function positiveId(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InputError(`${what} must be a positive integer`);
  return value;
}

/** GitHub Actions of one repository through the shared cache (see GitHubFetcher). */
export class CachedRepoClient implements CiRepoClient {
  readonly repo: CiRepoRef;
  readonly #fetcher: GitHubFetcher;
  readonly #prefix: string;

  constructor(repo: CiRepoRef, fetcher: GitHubFetcher) {
    this.repo = repo;
    this.#fetcher = fetcher;
    this.#prefix = `gh:${repo.host}/${repo.owner}/${repo.repo}`.toLowerCase();
  }

  /** The cache key of a run list; the webhook patches the lists it knows by these keys. */
  runsKey(query: WorkflowRunsQuery = {}): string {
    const parts = [query.workflowFile, query.branch, query.event, query.status, query.perPage ?? 30, query.page ?? 1];
    return `${this.#prefix}:runs:${parts.map(part => encodeURIComponent(String(part ?? ''))).join(':')}`;
  }

  async getRepository(): Promise<GitHubAnswer<RepositoryInfo>> {
    return this.#fetcher.get(this.repo, `${this.#prefix}:repo`, 'GET /repos/{owner}/{repo}', {});
  }

  async listWorkflowRuns(query: WorkflowRunsQuery = {}): Promise<GitHubAnswer<WorkflowRunList>> {
    if (query.workflowFile !== undefined && !WORKFLOW_FILE.test(query.workflowFile)) {
      throw new InputError('workflowFile must be a workflow file name such as build.yml');
    }
    const perPage = query.perPage ?? 30;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw new InputError('perPage must be 1..100');
    const params = {
      branch: query.branch,
      event: query.event,
      status: query.status,
      per_page: perPage,
      page: query.page ?? 1,
    };
    return query.workflowFile
      ? this.#fetcher.get(this.repo, this.runsKey(query), 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs', {
          ...params,
          workflow_id: query.workflowFile,
        })
      : this.#fetcher.get(this.repo, this.runsKey(query), 'GET /repos/{owner}/{repo}/actions/runs', params);
  }

  async getWorkflowRun(runId: number): Promise<GitHubAnswer<WorkflowRun>> {
    return this.#fetcher.get(this.repo, `${this.#prefix}:run:${positiveId(runId, 'runId')}`, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}', { run_id: runId });
  }

  async listRunJobs(runId: number): Promise<GitHubAnswer<WorkflowJobList>> {
    return this.#fetcher.get(this.repo, `${this.#prefix}:jobs:${positiveId(runId, 'runId')}`, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { run_id: runId, per_page: 100 });
  }

  async getJobLog(jobId: number): Promise<GitHubAnswer<string>> {
    const answer = await this.#fetcher.get<unknown>(this.repo, `${this.#prefix}:log:${positiveId(jobId, 'jobId')}`, 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', { job_id: jobId });
    const data = answer.data;
    const text = typeof data === 'string' ? data : Buffer.from(data as ArrayBuffer).toString('utf8');
    return { ...answer, data: text };
  }

  async listRunArtifacts(runId: number): Promise<GitHubAnswer<ArtifactList>> {
    return this.#fetcher.get(this.repo, `${this.#prefix}:artifacts:${positiveId(runId, 'runId')}`, 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { run_id: runId, per_page: 100 });
  }

  async downloadArtifact(artifactId: number, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const { octokit } = await this.#fetcher.octokit(this.repo);
    const response = await octokit.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      owner: this.repo.owner,
      repo: this.repo.repo,
      artifact_id: positiveId(artifactId, 'artifactId'),
      archive_format: 'zip',
    });
    const body = Buffer.from(response.data as ArrayBuffer);
    const max = options.maxBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
    if (body.length > max) throw new InputError(`Artifact ${artifactId} is ${body.length} bytes, over the ${max} allowed`);
    return body;
  }

  async rerunRun(runId: number): Promise<void> {
    const { octokit } = await this.#fetcher.octokit(this.repo);
    await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun', {
      owner: this.repo.owner, repo: this.repo.repo, run_id: positiveId(runId, 'runId'),
    });
  }

  async rerunFailedJobs(runId: number): Promise<void> {
    const { octokit } = await this.#fetcher.octokit(this.repo);
    await octokit.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', {
      owner: this.repo.owner, repo: this.repo.repo, run_id: positiveId(runId, 'runId'),
    });
  }

  /**
   * Puts the run into the default run lists (first page of 30 and of 100, unfiltered) and the
   * run's own entry. Filtered lists pick it up at their next refresh.
   */
  async applyRunEvent(run: WorkflowRun): Promise<boolean> {
    let changed = false;
    for (const perPage of [30, 100]) {
      changed = (await this.#patch(this.runsKey({ perPage }), data => {
        const list = data as unknown as WorkflowRunList;
        const runs = list.workflow_runs.filter(existing => existing.id !== run.id);
        const known = runs.length !== list.workflow_runs.length;
        runs.push(run);
        runs.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
        return { total_count: list.total_count + (known ? 0 : 1), workflow_runs: runs.slice(0, perPage) };
      })) || changed;
    }
    const runKey = `${this.#prefix}:run:${positiveId(run.id, 'run.id')}`;
    await this.#fetcher.writeEntry(runKey, { data: run as unknown as JsonValue, hash: contentHash(run), checkedAt: Date.now() });
    return changed;
  }

  async applyJobEvent(job: WorkflowJob): Promise<boolean> {
    return this.#patch(`${this.#prefix}:jobs:${positiveId(job.run_id, 'job.run_id')}`, data => {
      const list = data as unknown as WorkflowJobList;
      const jobs = list.jobs.filter(existing => existing.id !== job.id);
      const known = jobs.length !== list.jobs.length;
      jobs.push(job);
      jobs.sort((a, b) => a.id - b.id);
      return { total_count: list.total_count + (known ? 0 : 1), jobs };
    });
  }

  async #patch(key: string, change: (data: JsonValue) => unknown): Promise<boolean> {
    const entry = await this.#fetcher.readEntry(key);
    if (!entry) return false;
    const data = change(entry.data) as JsonValue;
    const hash = contentHash(data);
    if (hash === entry.hash) return false;
    // The ETag is kept: GitHub's next answer to it is a 200 with this same content.
    await this.#fetcher.writeEntry(key, { ...entry, data, hash });
    return true;
  }
}
