import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { PluginOrigin } from '@stacktalk/plugin-plugin-manager-common';

/** A backend package found in the backend's dependencies or in the dynamic plugins folder. */
export interface PackageInfo {
  name: string;
  version: string;
  role: string;
  description?: string;
  /** `backstage.pluginId` of package.json (for a module: the plugin it extends). */
  pluginId?: string;
  dir: string;
  origin: PluginOrigin;
  /** Absolute path of the package's config schema (`configSchema` in package.json), if it has one. */
  configSchemaPath?: string;
  /** Catalog annotations the package reads (`stacktalk.annotations` in package.json). */
  annotations: string[];
  hasReadme: boolean;
  /** What the package's entry points register (plugins and modules), when they could be read. */
  registrations: Registration[];
  /** A dynamic bundle an admin disabled (in `<dynamic folder>.disabled`): not loaded at start. */
  disabled?: boolean;
}

export interface Registration {
  type: 'plugin' | 'module';
  pluginId: string;
  moduleId?: string;
}

const BACKEND_ROLES = new Set(['backend-plugin', 'backend-plugin-module']);

function readJson(file: string): any | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Finds `<name>/package.json` from `fromDir`, also when the package's `exports` hide it. */
export function findPackageJson(name: string, fromDir: string): string | undefined {
  const req = createRequire(path.join(fromDir, 'package.json'));
  try {
    return req.resolve(`${name}/package.json`);
  } catch {
    // exports without ./package.json: walk up from the main entry
  }
  try {
    let dir = path.dirname(req.resolve(name));
    while (dir !== path.dirname(dir)) {
      const pkg = readJson(path.join(dir, 'package.json'));
      if (pkg?.name === name) {
        return path.join(dir, 'package.json');
      }
      dir = path.dirname(dir);
    }
  } catch {
    // not resolvable
  }
  return undefined;
}

/**
 * The plugins and modules a package's entry points register, read from the backend features
 * they export (each entry's default export; already loaded by the running backend, so cached).
 */
export function readRegistrations(pkgJsonPath: string, pkg: any): Registration[] {
  const req = createRequire(pkgJsonPath);
  const entries = new Set<string>();
  if (pkg.exports && typeof pkg.exports === 'object') {
    for (const key of Object.keys(pkg.exports)) {
      if (key === '.' ) entries.add(pkg.name);
      else if (key.startsWith('./') && key !== './package.json' && !key.includes('*')) {
        entries.add(`${pkg.name}/${key.slice(2)}`);
      }
    }
  } else {
    entries.add(pkg.name);
  }
  const result: Registration[] = [];
  for (const entry of entries) {
    let loaded: any;
    try {
      loaded = req(entry);
    } catch {
      continue;
    }
    const feature = loaded?.default ?? loaded;
    if (feature?.$$type !== '@backstage/BackendFeature' || typeof feature.getRegistrations !== 'function') {
      continue;
    }
    try {
      for (const registration of feature.getRegistrations()) {
        if (registration.type === 'plugin' || registration.type === 'module') {
          result.push({
            type: registration.type,
            pluginId: registration.pluginId,
            moduleId: registration.moduleId,
          });
        }
      }
    } catch {
      // a feature whose registrations cannot be read: left out
    }
  }
  return result;
}

function toPackageInfo(pkgJsonPath: string, origin: PluginOrigin, withRegistrations: boolean): PackageInfo | undefined {
  const pkg = readJson(pkgJsonPath);
  const role = pkg?.backstage?.role;
  if (!pkg?.name || !role) {
    return undefined;
  }
  const dir = path.dirname(pkgJsonPath);
  const schema = typeof pkg.configSchema === 'string' ? path.resolve(dir, pkg.configSchema) : undefined;
  const annotations: unknown = pkg.stacktalk?.annotations;
  return {
    name: pkg.name,
    version: pkg.version ?? '0.0.0',
    role,
    description: pkg.description,
    pluginId: pkg.backstage?.pluginId,
    dir,
    origin,
    configSchemaPath: schema && fs.existsSync(schema) ? schema : undefined,
    annotations: Array.isArray(annotations) ? annotations.filter((a): a is string => typeof a === 'string') : [],
    hasReadme: fs.existsSync(path.join(dir, 'README.md')),
    registrations: withRegistrations && BACKEND_ROLES.has(role) ? readRegistrations(pkgJsonPath, pkg) : [],
  };
}

/** The backend plugin and module packages among the backend package's dependencies. */
export function staticBackendPackages(backendDir: string): PackageInfo[] {
  const backendPkg = readJson(path.join(backendDir, 'package.json'));
  if (!backendPkg) {
    throw new Error(`No package.json in ${backendDir}`);
  }
  const result: PackageInfo[] = [];
  for (const dep of Object.keys(backendPkg.dependencies ?? {}).sort()) {
    const pkgJson = findPackageJson(dep, backendDir);
    const info = pkgJson && toPackageInfo(pkgJson, 'static', true);
    if (info && BACKEND_ROLES.has(info.role)) {
      result.push(info);
    }
  }
  return result;
}

/** Package folders in the dynamic plugins folder (each with its package.json), any role. */
export function dynamicPackages(rootDir: string | undefined): PackageInfo[] {
  if (!rootDir || !fs.existsSync(rootDir)) {
    return [];
  }
  const result: PackageInfo[] = [];
  for (const entry of fs.readdirSync(rootDir, { withFileTypes: true })) {
    const pkgJson = path.join(rootDir, entry.name, 'package.json');
    if ((entry.isDirectory() || entry.isSymbolicLink()) && fs.existsSync(pkgJson)) {
      // Dynamic bundles are loaded by the dynamic feature service; their registrations come
      // from the running backend instead of requiring them a second time here.
      const info = toPackageInfo(pkgJson, 'dynamic', false);
      if (info) result.push(info);
    }
  }
  return result.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The backend package folder: `pluginManager.backendPackageDir`, else the working directory
 * when it is a Backstage backend package (`backstage-cli package start`), else
 * `packages/backend` under the repository root.
 */
export function resolveBackendDir(configured: string | undefined, rootDir: string): string {
  if (configured) {
    return path.resolve(rootDir, configured);
  }
  const cwdPkg = readJson(path.join(process.cwd(), 'package.json'));
  if (cwdPkg?.backstage?.role === 'backend') {
    return process.cwd();
  }
  return path.join(rootDir, 'packages', 'backend');
}

const LIBRARY_ROLES = new Set(['common-library', 'node-library', 'web-library']);

/**
 * Versions of what is installed, by package name: the direct dependencies of the backend and
 * app packages (their resolved package.json), and libraries any of them pull in that resolve
 * from there. Used to tell `installed` / `update-available` for the sources' packages.
 */
export function installedVersions(dirs: string[], names: string[]): Map<string, string> {
  const result = new Map<string, string>();
  for (const dir of dirs) {
    const pkg = readJson(path.join(dir, 'package.json'));
    for (const dep of Object.keys(pkg?.dependencies ?? {})) {
      const file = findPackageJson(dep, dir);
      const version = file && readJson(file)?.version;
      if (version && !result.has(dep)) result.set(dep, version);
    }
  }
  for (const name of names) {
    if (result.has(name)) continue;
    for (const dir of dirs) {
      const file = fs.existsSync(path.join(dir, 'package.json')) ? findPackageJson(name, dir) : undefined;
      const dep = file && readJson(file);
      if (dep?.version && LIBRARY_ROLES.has(dep.backstage?.role)) {
        result.set(name, dep.version);
        break;
      }
    }
  }
  return result;
}
