/**
 * What the backend's dynamic feature service lists at `/.backstage/dynamic-features/remotes`:
 * one entry per dynamic frontend plugin bundle, with the module federation remote to load and
 * the modules it exposes.
 */
export interface DynamicRemote {
  /** npm name of the bundled package, e.g. `@stacktalk/plugin-ci-status`. */
  packageName: string;
  /** The remote for the module federation runtime: its name and the URL of its entry. */
  remoteInfo: { name: string; entry: string; [key: string]: unknown };
  /** The exposed modules: `.` for the package's main entry point, else a subpath. */
  exposedModules: string[];
}

/** The path, under the backend's base URL, where the dynamic feature service lists remotes. */
export const REMOTES_PATH = '/.backstage/dynamic-features/remotes';

function isRemote(value: unknown): value is DynamicRemote {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const info = v.remoteInfo as Record<string, unknown> | undefined;
  return (
    typeof v.packageName === 'string' &&
    typeof info === 'object' &&
    info !== null &&
    typeof info.name === 'string' &&
    typeof info.entry === 'string' &&
    Array.isArray(v.exposedModules) &&
    v.exposedModules.every(m => typeof m === 'string')
  );
}

/**
 * Asks the backend for its dynamic frontend remotes. A backend without the dynamic feature
 * service answers 404: no remotes. Any other failure is thrown (the caller logs it and loads
 * nothing). Entries of an unexpected shape are left out and reported through `onInvalid`.
 */
export async function fetchDynamicRemotes(options: {
  backendBaseUrl: string;
  fetch: typeof fetch;
  onInvalid?: (entry: unknown) => void;
}): Promise<DynamicRemote[]> {
  const url = `${options.backendBaseUrl.replace(/\/+$/, '')}${REMOTES_PATH}`;
  const response = await options.fetch(url);
  if (response.status === 404) return [];
  if (!response.ok) {
    throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  }
  const body: unknown = await response.json();
  if (!Array.isArray(body)) throw new Error(`GET ${url} did not answer a list`);
  const remotes: DynamicRemote[] = [];
  for (const entry of body) {
    if (isRemote(entry)) remotes.push(entry);
    else options.onInvalid?.(entry);
  }
  return remotes;
}

/** The id a module federation runtime loads an exposed module by: `<remote>` or `<remote>/<subpath>`. */
export function remoteModuleId(remote: DynamicRemote, exposedModule: string): string {
  const subpath = exposedModule.replace(/^\.\/?/, '');
  return subpath ? `${remote.remoteInfo.name}/${subpath}` : remote.remoteInfo.name;
}
