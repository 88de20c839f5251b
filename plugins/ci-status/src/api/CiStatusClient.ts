import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CiHealthResponse,
  CiJobLogResponse,
  CiRunDetailResponse,
  CiRunsResponse,
  CiSummaryResponse,
} from '@stacktalk/plugin-ci-status-common';

export interface CiRunFilters {
  workflow?: string;
  branch?: string;
  status?: string;
}

/** The CI status backend, as the tab, the card and the CI health page use it. */
export interface CiStatusApi {
  runs(entityRef: string, filters?: CiRunFilters): Promise<CiRunsResponse>;
  run(entityRef: string, runId: number): Promise<CiRunDetailResponse>;
  jobLog(entityRef: string, runId: number, jobId: number): Promise<CiJobLogResponse>;
  summary(entityRef: string): Promise<CiSummaryResponse>;
  rerun(entityRef: string, runId: number, failedOnly: boolean): Promise<void>;
  health(): Promise<CiHealthResponse>;
}

export const ciStatusApiRef = createApiRef<CiStatusApi>().with({ id: 'plugin.ci-status.api' });

function entityPath(entityRef: string) {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/entities/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export class CiStatusClient implements CiStatusApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('ci-status');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  runs(entityRef: string, filters: CiRunFilters = {}) {
    const query = new URLSearchParams(Object.entries(filters).filter(([, v]) => !!v) as [string, string][]);
    const suffix = query.toString() ? `?${query}` : '';
    return this.call<CiRunsResponse>(`${entityPath(entityRef)}/runs${suffix}`);
  }

  run(entityRef: string, runId: number) {
    return this.call<CiRunDetailResponse>(`${entityPath(entityRef)}/runs/${runId}`);
  }

  jobLog(entityRef: string, runId: number, jobId: number) {
    return this.call<CiJobLogResponse>(`${entityPath(entityRef)}/runs/${runId}/jobs/${jobId}/log`);
  }

  summary(entityRef: string) {
    return this.call<CiSummaryResponse>(`${entityPath(entityRef)}/summary`);
  }

  async rerun(entityRef: string, runId: number, failedOnly: boolean) {
    await this.call(`${entityPath(entityRef)}/runs/${runId}/rerun`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failedOnly }),
    });
  }

  health() {
    return this.call<CiHealthResponse>('/health');
  }
}
