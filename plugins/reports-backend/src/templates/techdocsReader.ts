import type { AuthService, BackstageCredentials, DiscoveryService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { siteFilePath, type TechDocsFileReader } from './techdocsPages';

/**
 * Reads an entity's published TechDocs site through the TechDocs backend (whatever its
 * publisher), as `credentials`. Only paths inside that entity's site are read: anything that
 * could climb out (`..`, `%2e%2e`, backslashes, absolute paths) is refused before a request.
 */
export function createTechDocsReader(options: { discovery: DiscoveryService; auth: AuthService }) {
  const { discovery, auth } = options;
  return (entity: Entity, credentials: BackstageCredentials): TechDocsFileReader =>
    async path => {
      if (!siteFilePath(path)) throw new Error(`Refused TechDocs path "${path.slice(0, 100)}": it leaves ${stringifyEntityRef(entity)}'s docs`);
      const base = await discovery.getBaseUrl('techdocs');
      const { token } = await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'techdocs' });
      const { kind, metadata } = entity;
      const url = `${base}/static/docs/${encodeURIComponent(metadata.namespace ?? 'default')}/${encodeURIComponent(kind.toLowerCase())}/${encodeURIComponent(metadata.name)}/${path.split('/').map(encodeURIComponent).join('/')}`;
      const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, redirect: 'error' });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`TechDocs answered ${response.status} for ${path}`);
      return { body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? 'application/octet-stream' };
    };
}
