import type { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import type { DeclaredPermission, HealthCheck } from '@stacktalk/plugin-plugin-manager-common';

/**
 * Every plugin that mounts routes through `coreServices.httpRouter` answers this path
 * (Backstage's auth integration router, no credentials needed); a 503 means it is starting
 * or stopping, a 404 that the plugin mounts no routes.
 */
export const HEALTH_PATH = '/.backstage/auth/v1/jwks.json';
/** Backstage's permission integration router serves what a plugin declares here. */
export const PERMISSIONS_METADATA_PATH = '/.well-known/backstage/permissions/metadata';

const TIMEOUT_MS = 5000;

async function fetchWithTimeout(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

export async function probeHealth(discovery: DiscoveryService, pluginId: string): Promise<HealthCheck> {
  const checked = `GET /api/${pluginId}${HEALTH_PATH}`;
  try {
    const base = await discovery.getBaseUrl(pluginId);
    const response = await fetchWithTimeout(`${base}${HEALTH_PATH}`);
    if (response.ok) {
      return { checked, state: 'answering', httpStatus: response.status };
    }
    if (response.status === 404) {
      return { checked, state: 'no-routes', httpStatus: 404 };
    }
    return { checked, state: 'not-answering', httpStatus: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    return { checked, state: 'not-answering', error: (error as Error).message };
  }
}

/** The permissions a plugin declares through its permission integration router (a service token). */
export async function fetchDeclaredPermissions(
  discovery: DiscoveryService,
  auth: AuthService,
  pluginId: string,
): Promise<{ permissions: DeclaredPermission[]; error?: string }> {
  try {
    const base = await discovery.getBaseUrl(pluginId);
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: pluginId,
    });
    const response = await fetchWithTimeout(`${base}${PERMISSIONS_METADATA_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // 404, or a plugin answering every path itself (the app backend serves its index.html):
    // no permission integration router, so nothing declared through it.
    if (response.status === 404 || (response.ok && !response.headers.get('content-type')?.includes('json'))) {
      return { permissions: [] };
    }
    if (!response.ok) {
      return { permissions: [], error: `GET /api/${pluginId}${PERMISSIONS_METADATA_PATH}: HTTP ${response.status}` };
    }
    const body = (await response.json()) as { permissions?: any[] };
    return {
      permissions: (body.permissions ?? []).map(p => ({
        name: String(p.name),
        type: String(p.type),
        action: p.attributes?.action,
        resourceType: p.resourceType,
      })),
    };
  } catch (error) {
    return { permissions: [], error: (error as Error).message };
  }
}
