import fs from 'node:fs';
import path from 'node:path';
import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
  RootInstanceMetadataService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { JsonObject } from '@backstage/types';
import type {
  AnnotationUse,
  AvailablePackage,
  AvailableResponse,
  ConfigCheck,
  InstalledBackendPackage,
  InstalledResponse,
  PluginStatus,
} from '@stacktalk/plugin-plugin-manager-common';
import { INSTALLABLE_ROLES } from './bundles';
import { checkPackagesConfig } from './configCheck';
import { dynamicPackages, installedVersions, type PackageInfo, staticBackendPackages } from './inventory';
import { fetchDeclaredPermissions, probeHealth } from './probes';
import { compareVersions, listDirectorySource, listNpmSource, type SourceConfig, type SourcePackage } from './sources';

export interface PluginManagerServiceOptions {
  logger: LoggerService;
  auth: AuthService;
  discovery: DiscoveryService;
  instanceMetadata: RootInstanceMetadataService;
  catalog: CatalogService;
  /** The whole current config (`rootConfig.get()`), validated against each package's schema. */
  config: JsonObject;
  backendDir: string;
  /** The app package folder: its dependencies count as installed (frontend plugins). */
  appDir?: string;
  dynamicPluginsDir?: string;
  sources: SourceConfig[];
}

interface SourcesResult {
  sources: AvailableResponse['sources'];
  packages: Array<SourcePackage & { source: string }>;
}

const SOURCE_CACHE_MS = 10 * 60 * 1000;

/** What is installed in the running backend and what the configured sources offer. */
export class PluginManagerService {
  private configChecks?: Promise<Map<string, ConfigCheck>>;
  private sourceCache?: { at: number; value: Promise<SourcesResult> };

  constructor(private readonly o: PluginManagerServiceOptions) {}

  /** Backend packages: the backend's dependencies and the dynamic plugins folder. */
  packages(): PackageInfo[] {
    const dir = this.o.dynamicPluginsDir;
    const disabled = dir ? dynamicPackages(`${dir}.disabled`).map(p => ({ ...p, disabled: true })) : [];
    return [...staticBackendPackages(this.o.backendDir), ...dynamicPackages(dir), ...disabled];
  }

  findPackage(name: string): PackageInfo | undefined {
    return this.packages().find(p => p.name === name);
  }

  readme(name: string): string | undefined {
    const pkg = this.findPackage(name);
    if (!pkg?.hasReadme) return undefined;
    return fs.readFileSync(path.join(pkg.dir, 'README.md'), 'utf8');
  }

  /** Config schemas compiled once per process (the config does not change without a restart). */
  private checkConfig(packages: PackageInfo[]): Promise<Map<string, ConfigCheck>> {
    if (!this.configChecks) {
      this.configChecks = checkPackagesConfig(packages, this.o.config).catch(error => {
        this.o.logger.warn(`Config schemas could not be checked: ${error}`);
        this.configChecks = undefined;
        return new Map();
      });
    }
    return this.configChecks;
  }

  /**
   * Compiles the config schemas in the background after the start (TypeScript schemas take
   * 15-25 s here), so the first person to open the Backend tab does not wait for it.
   */
  warmUp(): Promise<void> {
    return this.checkConfig(this.packages()).then(() => undefined);
  }

  private async countAnnotations(annotations: string[], credentials: BackstageCredentials): Promise<Map<string, number | undefined>> {
    const counts = new Map<string, number | undefined>();
    await Promise.all(
      annotations.map(async annotation => {
        try {
          const response = await this.o.catalog.queryEntities(
            { filter: { [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS }, limit: 0 },
            { credentials },
          );
          counts.set(annotation, response.totalItems);
        } catch (error) {
          this.o.logger.warn(`Counting entities with ${annotation} failed: ${error}`);
          counts.set(annotation, undefined);
        }
      }),
    );
    return counts;
  }

  async installed(credentials: BackstageCredentials): Promise<InstalledResponse> {
    const running = (await this.o.instanceMetadata.getInstalledPlugins()).map(p => ({
      pluginId: p.pluginId,
      modules: p.modules.map(m => m.moduleId).sort(),
    }));
    const runningById = new Map(running.map(r => [r.pluginId, r]));
    const packages = this.packages();
    const [configChecks, annotationCounts] = await Promise.all([
      this.checkConfig(packages),
      this.countAnnotations([...new Set(packages.flatMap(p => p.annotations))], credentials),
    ]);

    const rows = await Promise.all(
      packages.map(async (pkg): Promise<InstalledBackendPackage> => {
        const { status, error, modules } = statusOf(pkg, runningById);
        const pluginId = pkg.registrations[0]?.pluginId ?? pkg.pluginId;
        const isPlugin = pkg.role === 'backend-plugin';
        const probe = isPlugin && pluginId && status === 'loaded';
        const [health, declared] = probe
          ? await Promise.all([
              probeHealth(this.o.discovery, pluginId),
              fetchDeclaredPermissions(this.o.discovery, this.o.auth, pluginId),
            ])
          : [undefined, { permissions: [] as InstalledBackendPackage['permissions'], error: undefined }];
        const annotations: AnnotationUse[] = pkg.annotations.map(annotation => ({
          annotation,
          entities: annotationCounts.get(annotation),
        }));
        return {
          package: pkg.name,
          version: pkg.version,
          role: pkg.role,
          description: pkg.description,
          origin: pkg.origin,
          pluginId,
          modules,
          status,
          error,
          config: configChecks.get(pkg.name) ?? { state: 'unchecked', missingKeys: [], errors: [] },
          health,
          annotations,
          permissions: declared.permissions,
          permissionsError: declared.error,
          hasReadme: pkg.hasReadme,
        };
      }),
    );
    return { running, packages: rows, generatedAt: new Date().toISOString() };
  }

  private loadSources(): Promise<SourcesResult> {
    const now = Date.now();
    if (!this.sourceCache || now - this.sourceCache.at > SOURCE_CACHE_MS) {
      const value = Promise.all(
        this.o.sources.map(async source => {
          try {
            const list = source.type === 'npm' ? await listNpmSource(source.registry, source.scope) : listDirectorySource(source.path);
            return { status: { name: source.name, ok: true, count: list.length }, list: list.map(p => ({ ...p, source: source.name })) };
          } catch (error) {
            this.o.logger.warn(`Plugin source ${source.name} failed: ${error}`);
            return { status: { name: source.name, ok: false, error: (error as Error).message, count: 0 }, list: [] };
          }
        }),
      ).then(results => ({ sources: results.map(r => r.status), packages: results.flatMap(r => r.list) }));
      this.sourceCache = { at: now, value };
    }
    return this.sourceCache.value;
  }

  async available(): Promise<AvailableResponse> {
    const { sources, packages } = await this.loadSources();
    const installed = installedVersions(
      [this.o.backendDir, ...(this.o.appDir ? [this.o.appDir] : [])],
      packages.map(p => p.package),
    );
    for (const p of dynamicPackages(this.o.dynamicPluginsDir)) installed.set(p.name, p.version);
    // One row per package: the source with the newest version wins.
    const best = new Map<string, SourcePackage & { source: string }>();
    for (const p of packages) {
      const current = best.get(p.package);
      if (!current || compareVersions(p.latestVersion, current.latestVersion) > 0) best.set(p.package, p);
    }
    const rows: AvailablePackage[] = [...best.values()]
      .sort((a, b) => a.package.localeCompare(b.package))
      .map(p => {
        const installedVersion = installed.get(p.package);
        let state: AvailablePackage['state'] = 'not-installed';
        if (installedVersion) {
          state = compareVersions(p.latestVersion, installedVersion) > 0 ? 'update-available' : 'installed';
        }
        return {
          package: p.package,
          description: p.description,
          latestVersion: p.latestVersion,
          role: p.role,
          pluginId: p.pluginId,
          annotations: p.annotations,
          source: p.source,
          installedVersion,
          state,
          installable: Boolean(p.tarball && p.integrity && p.role && INSTALLABLE_ROLES.includes(p.role)),
        };
      });
    return { packages: rows, sources };
  }
}

/**
 * Loaded: the running backend reports the plugin (or, for a module, the module under its
 * plugin). A dynamic bundle that is not running failed to load; a dependency of the backend
 * that is not running is not added (`backend.add`), i.e. disabled.
 */
export function statusOf(
  pkg: PackageInfo,
  runningById: Map<string, { pluginId: string; modules: string[] }>,
): { status: PluginStatus; error?: string; modules?: string[] } {
  const notRunning = (what: string): { status: PluginStatus; error?: string } =>
    pkg.origin === 'dynamic'
      ? { status: 'failed', error: `${what} is not running: the dynamic plugin did not load (the backend log at start says why)` }
      : { status: 'disabled', error: `${what} is a dependency of the backend but not added to it` };

  if (pkg.disabled) {
    return { status: 'disabled', error: 'disabled by an admin: not loaded from the next start on' };
  }
  if (pkg.registrations.length > 0) {
    const missing = pkg.registrations.filter(r =>
      r.type === 'plugin'
        ? !runningById.has(r.pluginId)
        : !runningById.get(r.pluginId)?.modules.includes(r.moduleId ?? ''),
    );
    const plugin = pkg.registrations.find(r => r.type === 'plugin');
    const modules = plugin ? runningById.get(plugin.pluginId)?.modules : undefined;
    if (missing.length === pkg.registrations.length) {
      const r = missing[0];
      return { ...notRunning(r.type === 'plugin' ? `plugin ${r.pluginId}` : `module ${r.pluginId}/${r.moduleId}`), modules };
    }
    return { status: 'loaded', modules };
  }
  // Dynamic bundles (and packages whose features could not be read): by plugin id.
  if (pkg.pluginId && pkg.role === 'backend-plugin') {
    const running = runningById.get(pkg.pluginId);
    return running ? { status: 'loaded', modules: running.modules } : notRunning(`plugin ${pkg.pluginId}`);
  }
  if (pkg.pluginId && pkg.role === 'backend-plugin-module') {
    return runningById.has(pkg.pluginId) ? { status: 'loaded' } : notRunning(`the plugin ${pkg.pluginId} it extends`);
  }
  if (pkg.role === 'frontend-plugin' || pkg.role === 'frontend-plugin-module') {
    return { status: 'loaded' };
  }
  return notRunning(pkg.name);
}
