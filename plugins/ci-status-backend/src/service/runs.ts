import type {
  CiBranchStatus,
  CiRun,
  CiSummaryResponse,
  WorkflowRun,
} from '@stacktalk/plugin-ci-status-common';

/** The run as the portal shows it. */
export function toCiRun(run: WorkflowRun): CiRun {
  const started = run.run_started_at ?? run.created_at;
  const finished = run.status === 'completed';
  const duration = finished ? Math.round((Date.parse(run.updated_at) - Date.parse(started)) / 1000) : undefined;
  return {
    id: run.id,
    workflow: run.name ?? run.path,
    workflowFile: run.path.split('/').pop() ?? run.path,
    runNumber: run.run_number,
    attempt: run.run_attempt ?? 1,
    branch: run.head_branch,
    event: run.event,
    commitMessage: (run.head_commit?.message ?? run.display_title ?? '').split('\n')[0],
    sha: run.head_sha,
    actor: run.actor?.login ?? null,
    status: run.status,
    conclusion: run.conclusion,
    startedAt: started,
    durationSeconds: duration !== undefined && duration >= 0 ? duration : undefined,
    url: run.html_url,
  };
}

/** Only the runs of the entity's workflow files (all when it names none). */
export function ofWorkflows(runs: WorkflowRun[], workflowFiles: string[]): WorkflowRun[] {
  if (workflowFiles.length === 0) return runs;
  const wanted = new Set(workflowFiles.map(file => file.toLowerCase()));
  return runs.filter(run => wanted.has((run.path.split('/').pop() ?? '').toLowerCase()));
}

export interface RunFilters {
  workflow?: string;
  branch?: string;
  /** A status (`in_progress`, `queued`, `completed`) or a conclusion (`success`, `failure`, ...). */
  status?: string;
}

export function filterRuns(runs: CiRun[], filters: RunFilters): CiRun[] {
  return runs.filter(
    run =>
      (!filters.workflow || run.workflowFile === filters.workflow || run.workflow === filters.workflow) &&
      (!filters.branch || run.branch === filters.branch) &&
      (!filters.status || run.status === filters.status || run.conclusion === filters.status),
  );
}

/** The badge state of a latest run. */
export function runState(run: CiRun | undefined): 'failing' | 'passing' | 'running' | 'unknown' {
  if (!run) return 'unknown';
  if (run.status !== 'completed') return 'running';
  if (run.conclusion === 'success') return 'passing';
  if (run.conclusion === 'failure' || run.conclusion === 'timed_out' || run.conclusion === 'startup_failure') return 'failing';
  return 'unknown';
}

/**
 * Latest run per watched branch, and the last `historySize` finished runs on them (oldest
 * first) with their success rate, for the overview card's badge and charts.
 */
export function summarize(
  runs: CiRun[],
  branches: string[],
  historySize: number,
): Pick<CiSummaryResponse, 'branches' | 'history' | 'successRate'> {
  const statuses: CiBranchStatus[] = branches.map(branch => ({
    branch,
    latest: runs.find(run => run.branch === branch),
  }));
  const finished = runs
    .filter(run => run.status === 'completed' && run.branch !== null && branches.includes(run.branch))
    .slice(0, historySize)
    .reverse();
  const decided = finished.filter(run => run.conclusion === 'success' || run.conclusion === 'failure');
  return {
    branches: statuses,
    history: finished.map(run => ({
      id: run.id,
      runNumber: run.runNumber,
      startedAt: run.startedAt,
      durationSeconds: run.durationSeconds,
      conclusion: run.conclusion,
      workflow: run.workflow,
    })),
    successRate: decided.length > 0 ? decided.filter(run => run.conclusion === 'success').length / decided.length : undefined,
  };
}

/** Distinct values, most recent first. */
export const distinct = (values: Array<string | null>) =>
  [...new Set(values.filter((value): value is string => !!value))];
