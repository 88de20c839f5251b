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

/** One admin change to the dynamic plugins folder. */
export interface PendingChange {
  package: string;
  version?: string;
  action: 'install' | 'disable' | 'enable' | 'remove';
  at: string;
  by: string;
  role?: string;
  /** The package folder's name in the dynamic plugins folder (install, enable). */
  folder?: string;
  /** Install over an earlier version: where that version was moved, to restore on rollback (server only). */
  backup?: string;
  /** As the API shows an install with a backup (the path is not shown). */
  replacedEarlierVersion?: boolean;
}

/** Changes the backend is starting with: set by /restart (or at start), cleared once confirmed. */
export interface ApplyingChanges {
  id: string;
  changes: PendingChange[];
  requestedAt: string;
  requestedBy?: string;
  /** Starts attempted with these changes (a start that crashed without a word counts too). */
  starts: number;
  /** The error a start with these changes ended with (recorded by the failing process). */
  startFailure?: string;
}

/** What became of a set of applied changes (the backend confirms them after its start). */
export interface AppliedChanges {
  id: string;
  changes: PendingChange[];
  requestedAt: string;
  requestedBy?: string;
  finishedAt: string;
  result: 'live' | 'rolled-back';
  /** Why it was rolled back: the loader's or the failing plugin's own error. */
  error?: string;
  /** The plugins the changes added, and whether each answered after the start. */
  plugins: Array<{ package: string; pluginId?: string; answering: boolean; detail?: string }>;
}

/** A backend process: the page tells a restarted backend by its boot id. */
export interface BootInfo {
  id: string;
  startedAt: string;
}

/** A backend sharing the dynamic plugins folder; `current`: it runs the live set. */
export interface ReplicaInfo {
  id: string;
  bootId: string;
  startedAt: string;
  seenAt: string;
  current: boolean;
  restarting: boolean;
}

/** `GET /changes`. */
export interface ChangesResponse {
  restartNeeded: boolean;
  changes: PendingChange[];
  /** Something starts the backend again when it exits: changes can be applied from the page. */
  restartAvailable?: boolean;
  boot?: BootInfo;
  /** Changes a restart is applying (until the backend confirms or rolls them back). */
  applying?: ApplyingChanges;
  /** Newest first. */
  history?: AppliedChanges[];
  replicas?: ReplicaInfo[];
}

/** `POST /restart`. */
export interface RestartResponse {
  restarting: boolean;
  applyId?: string;
  changes: PendingChange[];
  boot: BootInfo;
}
