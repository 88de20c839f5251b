/** The parts of GitHub's workflow run/job objects the portal uses (real GitHub field names). */
export interface WorkflowRun {
  id: number;
  name: string | null;
  /** `.github/workflows/build.yml` */
  path: string;
  workflow_id: number;
  run_number: number;
  run_attempt?: number;
  event: string;
  status: string | null;
  conclusion: string | null;
  head_branch: string | null;
  head_sha: string;
  display_title?: string;
  head_commit?: { message: string; author?: { name: string } | null } | null;
  actor?: { login: string; avatar_url?: string } | null;
  html_url: string;
  created_at: string;
  updated_at: string;
  run_started_at?: string;
}

export interface WorkflowStep {
  name: string;
  status: string;
  conclusion: string | null;
  number: number;
  started_at?: string | null;
  completed_at?: string | null;
}

export interface WorkflowJob {
  id: number;
  run_id: number;
  name: string;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  html_url: string | null;
  steps?: WorkflowStep[];
}

export interface WorkflowArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string | null;
  expires_at: string | null;
  archive_download_url: string;
  workflow_run?: { id?: number; head_branch?: string; head_sha?: string } | null;
}

/** How fresh an answer is: set when GitHub could not be asked and the cache answered. */
export interface Staleness {
  /** When the data was last confirmed with GitHub (ISO time). */
  since: string;
  reason: 'github-unavailable' | 'rate-limited';
  /** ISO time the rate limit resets, when known. */
  retryAfter?: string;
}

/** Metadata every CI answer carries. */
export interface CiFreshness {
  /** When the data was last confirmed with GitHub (ISO time). */
  checkedAt: string;
  stale?: Staleness;
}

/** One run as the portal shows it (derived from WorkflowRun). */
export interface CiRun {
  id: number;
  workflow: string;
  workflowFile: string;
  runNumber: number;
  attempt: number;
  branch: string | null;
  event: string;
  commitMessage: string;
  sha: string;
  actor: string | null;
  status: string | null;
  conclusion: string | null;
  startedAt: string;
  /** Seconds, for finished runs. */
  durationSeconds?: number;
  url: string;
}

export interface CiRunsResponse extends CiFreshness {
  repo: string;
  runs: CiRun[];
  workflows: string[];
  branches: string[];
}

export interface CiRunDetailResponse extends CiFreshness {
  run: CiRun;
  jobs: WorkflowJob[];
}

export interface CiLogLine {
  number: number;
  text: string;
  failing: boolean;
}

export interface CiJobLogResponse {
  jobId: number;
  lines: CiLogLine[];
  /** Lines in the whole log (the tail shows the last ones). */
  totalLines: number;
  /** GitHub's page of the job, where the full log is. */
  url: string | null;
}

export interface CiBranchStatus {
  branch: string;
  latest?: CiRun;
}

export interface CiSummaryResponse extends CiFreshness {
  repo: string;
  branches: CiBranchStatus[];
  /** The last N finished runs on the watched branches, oldest first, for the charts. */
  history: Array<{ id: number; runNumber: number; startedAt: string; durationSeconds?: number; conclusion: string | null; workflow: string }>;
  successRate?: number;
}

export interface CiHealthEntry {
  entityRef: string;
  title: string;
  owner: string;
  repo: string;
  branch: string;
  state: 'failing' | 'passing' | 'running' | 'unknown';
  latest?: CiRun;
  stale?: Staleness;
  error?: string;
}

export interface CiHealthResponse {
  generatedAt: string;
  groups: Array<{ owner: string; entries: CiHealthEntry[] }>;
}

/** The signal channel browsers subscribe to for a repository (`ci-status:<host>/<owner>/<repo>`). */
export const ciSignalChannel = (repo: { host: string; owner: string; repo: string }) =>
  `ci-status:${repo.host}/${repo.owner}/${repo.repo}`.toLowerCase();

export interface CiRunChangedSignal {
  [key: string]: string | number | null;
  kind: 'workflow_run' | 'workflow_job';
  runId: number;
  status: string | null;
  conclusion: string | null;
}
