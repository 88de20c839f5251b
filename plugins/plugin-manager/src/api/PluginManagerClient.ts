import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { AvailableResponse, InstalledResponse } from '@stacktalk/plugin-plugin-manager-common';

/** The plugin manager backend, as the Plugins page uses it. */
export interface PluginManagerApi {
  installed(): Promise<InstalledResponse>;
  available(): Promise<AvailableResponse>;
  readme(packageName: string): Promise<string>;
}

export const pluginManagerApiRef = createApiRef<PluginManagerApi>().with({ id: 'plugin.plugin-manager.api' });

export class PluginManagerClient implements PluginManagerApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async get(path: string): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl('plugin-manager');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`);
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
}
