import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { AuditEvent, ExportFormat, KeyUsage, SecretMetadata, SecretsEnvironment, SecretsMatrix } from '@stacktalk/plugin-secrets-common';

export interface SecretWrite {
  value: string;
  expectedVersion: number;
  description?: string;
  rotateBy?: string;
}

export interface AuditFilter {
  action?: string;
  /** `allowed` or `denied` (refused reveals and exports). */
  outcome?: string;
  environment?: string;
  entityRef?: string;
  actor?: string;
}

export interface RewrapStatus {
  running: boolean;
  lastRun?: { startedAt: string; finishedAt?: string; rewrapped: number; actor: string; error?: string };
}

export interface ExportFile {
  filename: string;
  blob: Blob;
}

/** The secrets backend, as the entity tab uses it. */
export interface SecretsApi {
  environments(): Promise<SecretsEnvironment[]>;
  matrix(entityRef: string): Promise<SecretsMatrix>;
  write(entityRef: string, environment: string, name: string, body: SecretWrite): Promise<SecretMetadata>;
  reveal(entityRef: string, environment: string, name: string, version?: number): Promise<{ value: string; metadata: SecretMetadata }>;
  history(entityRef: string, environment: string, name: string): Promise<SecretMetadata[]>;
  rollback(entityRef: string, environment: string, name: string, toVersion: number, expectedVersion: number): Promise<SecretMetadata>;
  remove(entityRef: string, environment: string, name: string): Promise<void>;
  restore(entityRef: string, environment: string, name: string): Promise<void>;
  destroy(entityRef: string, environment: string, name: string): Promise<void>;
  /** The environment's secrets as a file in `format` (default: the environment's deployment format). */
  exportEnvironment(entityRef: string, environment: string, format?: ExportFormat): Promise<ExportFile>;
  audit(entityRef: string, filter?: AuditFilter): Promise<AuditEvent[]>;
  /** Admins: every entity's audit events. */
  portalAudit(filter?: AuditFilter): Promise<AuditEvent[]>;
  /** Admins: how many records each key-encryption key protects, and the re-wrap job. */
  keys(): Promise<{ keys: KeyUsage[]; rewrap: RewrapStatus }>;
  rewrap(): Promise<RewrapStatus>;
}

export const secretsApiRef = createApiRef<SecretsApi>().with({ id: 'plugin.secrets.api' });

function entityPath(entityRef: string) {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/entities/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

function toQuery(filter: AuditFilter) {
  return new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
}

export class SecretsClient implements SecretsApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl('secrets');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, {
      ...init,
      headers: { 'x-stacktalk-client': 'portal-ui', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
    });
    if (!response.ok) {
      // Shown as the server's reason ("version must be a positive whole number"), not "Request failed with 400 Bad Request".
      const error = await ResponseError.fromResponse(response);
      error.message = error.cause.message || error.message;
      throw error;
    }
    return response;
  }

  private secretPath(entityRef: string, environment: string, name: string) {
    return `${entityPath(entityRef)}/environments/${encodeURIComponent(environment)}/secrets/${encodeURIComponent(name)}`;
  }

  async environments() {
    return (await (await this.call('/environments')).json()).environments;
  }
  async matrix(entityRef: string) {
    return (await this.call(`${entityPath(entityRef)}/secrets`)).json();
  }
  async write(entityRef: string, environment: string, name: string, body: SecretWrite) {
    return (await this.call(this.secretPath(entityRef, environment, name), { method: 'PUT', body: JSON.stringify(body) })).json();
  }
  async reveal(entityRef: string, environment: string, name: string, version?: number) {
    const body = JSON.stringify(version ? { version } : {});
    return (await this.call(`${this.secretPath(entityRef, environment, name)}/reveal`, { method: 'POST', body })).json();
  }
  async history(entityRef: string, environment: string, name: string) {
    return (await (await this.call(`${this.secretPath(entityRef, environment, name)}/history`)).json()).versions;
  }
  async rollback(entityRef: string, environment: string, name: string, toVersion: number, expectedVersion: number) {
    const body = JSON.stringify({ toVersion, expectedVersion });
    return (await this.call(`${this.secretPath(entityRef, environment, name)}/rollback`, { method: 'POST', body })).json();
  }
  async remove(entityRef: string, environment: string, name: string) {
    await this.call(this.secretPath(entityRef, environment, name), { method: 'DELETE' });
  }
  async restore(entityRef: string, environment: string, name: string) {
    await this.call(`${this.secretPath(entityRef, environment, name)}/restore`, { method: 'POST', body: '{}' });
  }
  async destroy(entityRef: string, environment: string, name: string) {
    await this.call(`${this.secretPath(entityRef, environment, name)}/destroy`, { method: 'POST', body: JSON.stringify({ confirm: name }) });
  }
  async exportEnvironment(entityRef: string, environment: string, format?: ExportFormat) {
    const query = format ? `?format=${encodeURIComponent(format)}` : '';
    const response = await this.call(`${entityPath(entityRef)}/environments/${encodeURIComponent(environment)}/export${query}`);
    const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${environment}.txt`;
    return { filename, blob: await response.blob() };
  }
  async audit(entityRef: string, filter: AuditFilter = {}) {
    return (await (await this.call(`${entityPath(entityRef)}/audit?${toQuery(filter)}`)).json()).events;
  }
  async portalAudit(filter: AuditFilter = {}) {
    return (await (await this.call(`/audit?${toQuery(filter)}`)).json()).events;
  }
  async keys() {
    return (await this.call('/keys')).json();
  }
  async rewrap() {
    return (await (await this.call('/keys/rewrap', { method: 'POST', body: '{}' })).json()).rewrap;
  }
}
