import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AppliedChanges,
  AvailableResponse,
  ChangesResponse,
  InstalledResponse,
  PendingChange,
  ReplicaInfo,
  RestartResponse,
} from '@stacktalk/plugin-plugin-manager-common';

export type { AppliedChanges, ChangesResponse, PendingChange, ReplicaInfo, RestartResponse };

/** The plugin manager backend, as the Plugins page uses it. */
export interface PluginManagerApi {
  installed(): Promise<InstalledResponse>;
  available(): Promise<AvailableResponse>;
  readme(packageName: string): Promise<string>;
  /** Changes made since the backend started (installs, disables...): they wait for a restart. */
  changes(): Promise<ChangesResponse>;
  /** Admins: upload a bundle (.tar.gz) with its integrity (sha512-<base64>). */
  uploadBundle(bundle: Blob, integrity: string): Promise<ManageResult>;
  /** Admins: install (or update) a package of a configured npm source. */
  installFromSource(packageName: string, version?: string): Promise<ManageResult>;
  /** Admins: disable, enable or remove a dynamic plugin. */
  manage(packageName: string, action: 'disable' | 'enable' | 'remove'): Promise<ManageResult>;
  /** Admins: apply the pending changes by a graceful restart of the backend. */
  restart(): Promise<RestartResponse>;
}

export interface ManageResult extends ChangesResponse {
  package: string;
  version?: string;
}

/** 422 from the backend: the bundle is not installed; the missing config keys and other problems. */
export class BundleRejectedError extends Error {
  constructor(message: string, readonly missingKeys: string[], readonly problems: string[]) {
    super(message);
    this.name = 'BundleRejectedError';
  }
}

export const pluginManagerApiRef = createApiRef<PluginManagerApi>().with({ id: 'plugin.plugin-manager.api' });

export class PluginManagerClient implements PluginManagerApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async get(path: string, init?: RequestInit): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl('plugin-manager');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    if (response.status === 422) {
      const body = await response.json();
      throw new BundleRejectedError(body.error?.message ?? 'The bundle was not installed', body.missingKeys ?? [], body.problems ?? []);
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  async installed(): Promise<InstalledResponse> {
    return (await this.get('/installed')).json();
  }

  async available(): Promise<AvailableResponse> {
    return (await this.get('/available')).json();
  }

  async readme(packageName: string): Promise<string> {
    return (await this.get(`/readme?package=${encodeURIComponent(packageName)}`)).text();
  }

  async changes(): Promise<ChangesResponse> {
    return (await this.get('/changes')).json();
  }

  async uploadBundle(bundle: Blob, integrity: string): Promise<ManageResult> {
    const response = await this.get(`/bundles?integrity=${encodeURIComponent(integrity)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: bundle,
    });
    return response.json();
  }

  async installFromSource(packageName: string, version?: string): Promise<ManageResult> {
    const query = version ? `?version=${encodeURIComponent(version)}` : '';
    return (await this.get(`/plugins/${encodeURIComponent(packageName)}/install${query}`, { method: 'POST' })).json();
  }

  async restart(): Promise<RestartResponse> {
    return (await this.get('/restart', { method: 'POST' })).json();
  }

  async manage(packageName: string, action: 'disable' | 'enable' | 'remove'): Promise<ManageResult> {
    const name = encodeURIComponent(packageName);
    const response = await this.get(action === 'remove' ? `/plugins/${name}` : `/plugins/${name}/${action}`, {
      method: action === 'remove' ? 'DELETE' : 'POST',
    });
    return response.json();
  }
}
