import type {
  CiRepoRef,
  Staleness,
  WorkflowArtifact,
  WorkflowJob,
  WorkflowRun,
} from '@stacktalk/plugin-ci-status-common';

/** An answer from GitHub or from the shared cache, and how fresh it is. */
export interface GitHubAnswer<T> {
  data: T;
  /** When GitHub last confirmed this data (ISO time). */
  checkedAt: string;
  /** Set when GitHub could not be asked (down, or the rate limit is spent) and the cache answered. */
  stale?: Staleness;
}

export interface WorkflowRunsQuery {
  /** Only runs of this workflow file (`build.yml`) — GitHub's `/actions/workflows/{file}/runs`. */
  workflowFile?: string;
  branch?: string;
  event?: string;
  /** `completed`, `success`, `failure`, `in_progress`, ... as GitHub accepts. */
  status?: string;
  /** 1..100, default 30 (GitHub's default). */
  perPage?: number;
  page?: number;
}

export interface WorkflowRunList {
  total_count: number;
  workflow_runs: WorkflowRun[];
}
export interface WorkflowJobList {
  total_count: number;
  jobs: WorkflowJob[];
}
export interface RepositoryInfo {
  full_name: string;
  default_branch: string;
}
export interface ArtifactList {
  total_count: number;
  artifacts: WorkflowArtifact[];
}

/** GitHub Actions of one repository, as the portal's GitHub credentials see it. */
export interface CiRepoClient {
  readonly repo: CiRepoRef;
  /** The repository (its default branch, for one). */
  getRepository(): Promise<GitHubAnswer<RepositoryInfo>>;
  listWorkflowRuns(query?: WorkflowRunsQuery): Promise<GitHubAnswer<WorkflowRunList>>;
  getWorkflowRun(runId: number): Promise<GitHubAnswer<WorkflowRun>>;
  listRunJobs(runId: number): Promise<GitHubAnswer<WorkflowJobList>>;
  /** The plain-text log of a job (GitHub redirects to it); cached like the rest. */
  getJobLog(jobId: number): Promise<GitHubAnswer<string>>;
  listRunArtifacts(runId: number): Promise<GitHubAnswer<ArtifactList>>;
  /** The artifact's zip archive. Not cached; refuses archives over `maxBytes` (default 200 MiB). */
  downloadArtifact(artifactId: number, options?: { maxBytes?: number }): Promise<Buffer>;
  /** Re-runs every job of the run. Callers check `ci.run.rerun` first. */
  rerunRun(runId: number): Promise<void>;
  /** Re-runs the failed jobs of the run. Callers check `ci.run.rerun` first. */
  rerunFailedJobs(runId: number): Promise<void>;
  /**
   * Puts a run GitHub told us about by webhook into the cached run lists and run detail, so
   * viewers see it before the next refresh. Returns true when something cached changed.
   */
  applyRunEvent(run: WorkflowRun): Promise<boolean>;
  /** The same for one job of a run (the cached job list of its run). */
  applyJobEvent(job: WorkflowJob): Promise<boolean>;
}

/** Counters of what the cache saved (the bench and tests read them). */
export interface GitHubFetchStats {
  /** Requests sent to GitHub. */
  upstreamRequests: number;
  /** 304 answers: GitHub confirmed the cached data, costing no rate limit. */
  notModified: number;
  /** 200 answers whose content differed from the cache (or nothing was cached). */
  changed: number;
  /** 200 answers with the same content as the cache: an ETag that no longer matched, e.g. after a token rotation. */
  unchanged: number;
  /** Answers served from the cache without asking GitHub (fresh within the refresh interval). */
  cacheHits: number;
  /** Callers that joined a request already in flight for the same resource. */
  joined: number;
  /** Answers served from the cache marked stale. */
  stale: number;
}

/**
 * Authenticated, cached, rate-limit-aware GitHub access per repository, with credentials from
 * `integrations.github` (token or GitHub App, GitHub Enterprise hosts).
 */
export interface CiGitHubService {
  /** A client for `owner/repo` on `host` (default github.com). Throws InputError for a bad slug. */
  forRepo(repo: CiRepoRef | string): CiRepoClient;
  stats(): GitHubFetchStats;
}
