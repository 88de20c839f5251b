import { createApiRef, type DiscoveryApi, type FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { AddInBuildsResponse } from '@stacktalk/plugin-exceldna-common';

/** The Excel-DNA backend, as the tab and the card use it. */
export interface ExceldnaApi {
  builds(entityRef: string): Promise<AddInBuildsResponse>;
  /** The file's bytes (the browser then saves them). */
  download(entityRef: string, sha256: string): Promise<Blob>;
}

export const exceldnaApiRef = createApiRef<ExceldnaApi>().with({ id: 'plugin.exceldna.api' });

function entityPath(entityRef: string) {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  return `/entities/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export class ExceldnaClient implements ExceldnaApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  private async fetch(path: string) {
    const base = await this.deps.discoveryApi.getBaseUrl('exceldna');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  async builds(entityRef: string) {
    return (await (await this.fetch(`${entityPath(entityRef)}/builds`)).json()) as AddInBuildsResponse;
  }

  async download(entityRef: string, sha256: string) {
    return (await this.fetch(`${entityPath(entityRef)}/files/${encodeURIComponent(sha256)}`)).blob();
  }
}
