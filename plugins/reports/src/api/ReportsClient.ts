import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { PaperFormat, ReportJob, ReportSchedule, ReportTemplateInfo } from '@stacktalk/plugin-reports-common';

export interface TemplatesResponse {
  templates: ReportTemplateInfo[];
  chromium: { available: boolean; message?: string };
}


export interface ReportsApi {
  schedules(entityRef: string): Promise<ReportSchedule[]>;
  createSchedule(entityRef: string, template: string, format: PaperFormat, cron: string): Promise<ReportSchedule>;
  deleteSchedule(id: string): Promise<void>;
  templates(entityRef?: string): Promise<TemplatesResponse>;
  create(entityRef: string, template: string, format: PaperFormat): Promise<ReportJob>;
  get(id: string): Promise<ReportJob>;
  /** Newest first: one entity's reports, or without `entityRef` the newest of every entity the user may read. */
  list(entityRef?: string): Promise<ReportJob[]>;
  remove(id: string): Promise<void>;
  /** Same-origin URL of the PDF / preview, fetched with the user's token. */
  download(id: string): Promise<Blob>;
  preview(id: string): Promise<Blob>;
}

export const reportsApiRef = createApiRef<ReportsApi>().with({ id: 'plugin.reports.api' });

export class ReportsClient implements ReportsApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async call(path: string, init: RequestInit = {}) {
    const base = await this.deps.discoveryApi.getBaseUrl('reports');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, {
      ...init,
      headers: { ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
    });
    if (!response.ok) {
      // Shown as the server's reason ("Invalid schedule …"), not "Request failed with 400 Bad Request".
      const error = await ResponseError.fromResponse(response);
      error.message = error.cause.message || error.message;
      throw error;
    }
    return response;
  }

  async schedules(entityRef: string) {
    return (await (await this.call(`/schedules?entityRef=${encodeURIComponent(entityRef)}`)).json()).schedules;
  }
  async createSchedule(entityRef: string, template: string, format: PaperFormat, cron: string) {
    return (await this.call('/schedules', { method: 'POST', body: JSON.stringify({ entityRef, template, format, cron }) })).json();
  }
  async deleteSchedule(id: string) {
    await this.call(`/schedules/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
  async templates(entityRef?: string) {
    return (await this.call(`/templates${entityRef ? `?entityRef=${encodeURIComponent(entityRef)}` : ''}`)).json();
  }
  async create(entityRef: string, template: string, format: PaperFormat) {
    return (await this.call('/reports', { method: 'POST', body: JSON.stringify({ entityRef, template, format }) })).json();
  }
  async get(id: string) {
    return (await this.call(`/reports/${encodeURIComponent(id)}`)).json();
  }
  async list(entityRef?: string) {
    return (await (await this.call(`/reports${entityRef ? `?entityRef=${encodeURIComponent(entityRef)}` : ''}`)).json()).reports;
  }
  async remove(id: string) {
    await this.call(`/reports/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }
  async download(id: string) {
    return (await this.call(`/reports/${encodeURIComponent(id)}/pdf`)).blob();
  }
  async preview(id: string) {
    return (await this.call(`/reports/${encodeURIComponent(id)}/preview`)).blob();
  }
}
