import { createPermission } from '@backstage/plugin-permission-common';

/** Seeing what is installed and what is available (the Plugins page). */
export const pluginsReadPermission = createPermission({
  name: 'plugins.read',
  attributes: { action: 'read' },
});

/** Installing, updating, disabling and removing plugins: admins only in the portal policy. */
export const pluginsManagePermission = createPermission({
  name: 'plugins.manage',
  attributes: { action: 'update' },
});

export const pluginManagerPermissions = [pluginsReadPermission, pluginsManagePermission];

/** Where a package comes from: a dependency of the backend build, or a bundle in the dynamic plugins folder. */
export type PluginOrigin = 'static' | 'dynamic';

export type PluginStatus = 'loaded' | 'failed' | 'disabled';

export interface ConfigCheck {
  /** `complete`: the package's config schema accepts the current config; `missing`: required keys absent. */
  state: 'complete' | 'missing' | 'invalid' | 'no-schema' | 'unchecked';
  missingKeys: string[];
  errors: string[];
}

export interface HealthCheck {
  /** What was called, e.g. `GET /api/catalog/.backstage/auth/v1/jwks.json`. */
  checked: string;
  state: 'answering' | 'not-answering' | 'no-routes';
  httpStatus?: number;
  error?: string;
}

export interface AnnotationUse {
  annotation: string;
  /** Catalog entities carrying the annotation; undefined when the catalog could not be asked. */
  entities?: number;
}

export interface DeclaredPermission {
  name: string;
  type: string;
  action?: string;
  resourceType?: string;
}

export interface InstalledBackendPackage {
  package: string;
  version: string;
  role: string;
  description?: string;
  origin: PluginOrigin;
  pluginId?: string;
  /** Module ids the running backend reports under this plugin (for plugins). */
  modules?: string[];
  status: PluginStatus;
  error?: string;
  config: ConfigCheck;
  health?: HealthCheck;
  annotations: AnnotationUse[];
  permissions: DeclaredPermission[];
  permissionsError?: string;
  hasReadme: boolean;
}

export interface InstalledResponse {
  /** Plugin ids and module ids the running backend reports (`coreServices.rootInstanceMetadata`). */
  running: Array<{ pluginId: string; modules: string[] }>;
  packages: InstalledBackendPackage[];
  generatedAt: string;
}

export interface AvailablePackage {
  package: string;
  description?: string;
  latestVersion: string;
  role?: string;
  pluginId?: string;
  annotations: string[];
  source: string;
  /** Version installed in this backend, if any. */
  installedVersion?: string;
  state: 'not-installed' | 'installed' | 'update-available';
  /** An npm source's package of an installable role with `dist.tarball` and `dist.integrity`: admins can install it (`POST /plugins/<name>/install`). */
  installable?: boolean;
}

export interface AvailableResponse {
  packages: AvailablePackage[];
  sources: Array<{ name: string; ok: boolean; error?: string; count: number }>;
}
