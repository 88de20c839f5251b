import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import semver from 'semver';
import * as tar from 'tar';
import { checkAgainstSchema, checkPackagesConfig } from './configCheck';
import { findPackageJson, staticBackendPackages } from './inventory';
import { sideFolders } from './applyChanges';
import { ChangeJournal, type PendingChange } from './journal';

/** Roles a dynamic bundle may have. */
export const INSTALLABLE_ROLES = ['backend-plugin', 'backend-plugin-module', 'frontend-plugin'];

/** Entry types a bundle may hold (no symbolic or hard links, devices or FIFOs). */
const ALLOWED_ENTRY_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** The framework packages whose versions a bundle's peer ranges must accept. */
const FRAMEWORK_PACKAGES = ['@backstage/backend-plugin-api', '@backstage/frontend-plugin-api'];

/** 422: the bundle is well-formed but cannot run here (missing config keys, incompatible peers). */
export class BundleRejectedError extends Error {
  constructor(message: string, readonly details: { missingKeys?: string[]; problems: string[] }) {
    super(message);
    this.name = 'BundleRejectedError';
  }
}

/** 413: the upload is larger than `pluginManager.maxBundleBytes`, or unpacks to more than `maxUnpackedBytes`. */
export class BundleTooLargeError extends Error {
  constructor(max: number, what = 'The bundle is larger than', setting = 'pluginManager.maxBundleBytes') {
    super(`${what} ${max} bytes (${setting})`);
    this.name = 'BundleTooLargeError';
  }
}

export type { PendingChange } from './journal';

export interface BundleManagerOptions {
  /** The dynamic plugins folder (`dynamicPlugins.rootDirectory`). */
  dynamicPluginsDir: string;
  backendDir: string;
  appDir?: string;
  config: JsonObject;
  maxBundleBytes: number;
  /** What the bundle may unpack to (a small archive of zeros unpacks to gigabytes); default 8 × maxBundleBytes. */
  maxUnpackedBytes?: number;
  /** npm sources of `pluginManager.sources`: where `installFromNpm` may fetch from. */
  npmSources?: Array<{ name: string; registry: string; scope: string }>;
}

/** `sha512-<base64>` (several space-separated allowed, as in npm's `dist.integrity`): the digests. */
export function parseIntegrity(integrity: unknown): string[] {
  if (typeof integrity !== 'string' || integrity.trim() === '') {
    throw new InputError('integrity is required: sha512-<base64 of the SHA-512 digest of the bundle>');
  }
  const digests = integrity
    .trim()
    .split(/\s+/)
    .filter(part => part.startsWith('sha512-'))
    .map(part => part.slice('sha512-'.length).replace(/\?.*$/, ''));
  if (digests.length === 0 || digests.some(d => !/^[A-Za-z0-9+/]{86}==$/.test(d))) {
    throw new InputError(`integrity must be sha512-<base64> (88 characters of base64), got ${integrity.slice(0, 40)}`);
  }
  return digests;
}

/** The folder name of a package in the dynamic plugins folder: `@acme/plugin-x` → `acme-plugin-x`. */
export function folderName(pkgName: string): string {
  return pkgName.replace(/^@/, '').replace('/', '-');
}

function readJson(file: string): any | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Installs, disables, enables and removes dynamic plugin bundles. Everything happens in folders
 * next to the dynamic plugins folder (`<root>.staging`, `<root>.disabled`) so the dynamic feature
 * service, which loads every sub-folder of the root, never sees a half-unpacked or disabled bundle.
 * What changed since this backend started is pending until the next restart (the dynamic feature
 * service loads the folder at start).
 */
export class BundleManager {
  readonly stagingDir: string;
  readonly disabledDir: string;
  readonly backupDir: string;
  readonly journal: ChangeJournal;

  constructor(private readonly o: BundleManagerOptions) {
    ({ staging: this.stagingDir, disabled: this.disabledDir, backup: this.backupDir } = sideFolders(o.dynamicPluginsDir));
    this.journal = new ChangeJournal(o.dynamicPluginsDir);
  }

  /** Changes not yet applied (journal, so every backend on this folder sees the same). */
  pendingChanges(): PendingChange[] {
    return this.journal.read().pending;
  }

  /** Disabled bundles: package folders in `<root>.disabled`. */
  disabled(): Array<{ name: string; version: string; role?: string; dir: string }> {
    if (!fs.existsSync(this.disabledDir)) return [];
    return fs
      .readdirSync(this.disabledDir, { withFileTypes: true })
      .filter(e => e.isDirectory())
      .map(e => ({ dir: path.join(this.disabledDir, e.name), pkg: readJson(path.join(this.disabledDir, e.name, 'package.json')) }))
      .filter(e => e.pkg?.name)
      .map(e => ({ name: e.pkg.name, version: e.pkg.version, role: e.pkg.backstage?.role, dir: e.dir }));
  }

  /**
   * Receives an uploaded bundle (a .tar.gz of one package folder, as scripts/bundle-plugin.sh
   * makes, or an npm tarball with its `package/` folder), checks its integrity before unpacking,
   * validates it and moves it into the dynamic plugins folder.
   */
  async installUpload(body: Readable, integrity: unknown, by: string, declaredLength?: number) {
    const digests = parseIntegrity(integrity);
    fs.mkdirSync(this.stagingDir, { recursive: true });
    const work = fs.mkdtempSync(path.join(this.stagingDir, 'upload-'));
    try {
      const file = path.join(work, 'bundle.tgz');
      const digest = await this.receive(body, file, declaredLength);
      if (!digests.includes(digest)) {
        throw new InputError(`integrity mismatch: the bundle's SHA-512 is sha512-${digest}`);
      }
      const unpacked = path.join(work, 'unpacked');
      await this.unpack(file, unpacked);
      return await this.accept(unpacked, by);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /**
   * Installs a package of a configured npm source: its registry document (the given version, else
   * the `latest` dist-tag), the tarball it names, checked against the document's `dist.integrity`,
   * then the same validation as an upload.
   */
  async installFromNpm(name: string, version: string | undefined, by: string) {
    const source = (this.o.npmSources ?? []).find(s => name.startsWith(`${s.scope.replace(/\/$/, '')}/`));
    if (!source) {
      throw new InputError(`${name} is in none of the npm sources (pluginManager.sources with type npm and its scope)`);
    }
    const registry = source.registry.replace(/\/$/, '');
    const docResponse = await fetch(`${registry}/${name.replace('/', '%2f')}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    if (docResponse.status === 404) throw new NotFoundError(`${name} is not in ${source.name}`);
    if (!docResponse.ok) throw new Error(`${source.name}: GET ${name}: HTTP ${docResponse.status}`);
    const doc = await docResponse.json();
    const wanted = version ?? doc['dist-tags']?.latest;
    const manifest = wanted ? doc.versions?.[wanted] : undefined;
    if (!manifest) throw new NotFoundError(`${name}@${version ?? 'latest'} is not in ${source.name}`);
    if (!manifest.dist?.tarball || !manifest.dist?.integrity) {
      throw new InputError(`${name}@${wanted} in ${source.name} has no dist.tarball with dist.integrity`);
    }
    const tarball = await fetch(manifest.dist.tarball, { signal: AbortSignal.timeout(120_000) });
    if (!tarball.ok || !tarball.body) throw new Error(`${source.name}: GET ${manifest.dist.tarball}: HTTP ${tarball.status}`);
    const length = tarball.headers.get('content-length');
    const body = Readable.fromWeb(tarball.body as unknown as WebReadableStream);
    return this.installUpload(body, manifest.dist.integrity, by, length ? Number(length) : undefined);
  }

  /**
   * Streams the body to `file` with the size cap; the SHA-512 of what was received, base64.
   * Over the cap, the rest of the body is read and dropped (as Node does for an unread request
   * body), so the client gets the 413 instead of a reset connection.
   */
  private async receive(body: Readable, file: string, declaredLength?: number): Promise<string> {
    if (declaredLength !== undefined && declaredLength > this.o.maxBundleBytes) {
      throw new BundleTooLargeError(this.o.maxBundleBytes);
    }
    const hash = crypto.createHash('sha512');
    const out = fs.createWriteStream(file);
    let size = 0;
    try {
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > this.o.maxBundleBytes) continue;
        hash.update(chunk as Buffer);
        if (!out.write(chunk)) await new Promise(resolve => out.once('drain', resolve));
      }
    } finally {
      await new Promise(resolve => out.end(resolve));
    }
    if (size > this.o.maxBundleBytes) {
      throw new BundleTooLargeError(this.o.maxBundleBytes);
    }
    if (size === 0) {
      throw new InputError('The request body is empty: send the bundle (.tar.gz) as the body');
    }
    return hash.digest('base64');
  }

  /** Lists the archive first (no links, no absolute or `..` paths), then extracts it. */
  private async unpack(file: string, dest: string) {
    const problems: string[] = [];
    let entries = 0;
    let unpackedBytes = 0;
    const maxUnpacked = this.o.maxUnpackedBytes ?? 8 * this.o.maxBundleBytes;
    try {
      await tar.t({
        file,
        strict: true,
        onReadEntry: entry => {
          entries++;
          unpackedBytes += entry.size ?? 0;
          const p = entry.path;
          if (!ALLOWED_ENTRY_TYPES.has(entry.type)) problems.push(`${p}: ${entry.type} entries are not allowed`);
          if (path.isAbsolute(p) || /^[a-zA-Z]:/.test(p) || p.split(/[\\/]/).includes('..')) problems.push(`${p}: path leaves the bundle folder`);
          entry.resume();
        },
      });
    } catch (error) {
      throw new InputError(`The bundle is not a readable .tar.gz: ${(error as Error).message}`);
    }
    if (entries === 0) {
      throw new InputError('The bundle is not a readable .tar.gz: no entries');
    }
    if (unpackedBytes > maxUnpacked) {
      throw new BundleTooLargeError(maxUnpacked, `The bundle unpacks to ${unpackedBytes} bytes, more than`, 'pluginManager.maxUnpackedBytes');
    }
    if (problems.length > 0) {
      throw new InputError(`Refused to unpack the bundle: ${problems.slice(0, 5).join('; ')}`);
    }
    fs.mkdirSync(dest, { recursive: true });
    try {
      await tar.x({ file, cwd: dest, strict: true, preserveOwner: false });
    } catch (error) {
      throw new InputError(`The bundle could not be unpacked: ${(error as Error).message}`);
    }
  }

  /** Validates the unpacked bundle and moves it into the dynamic plugins folder. */
  private async accept(unpacked: string, by: string) {
    const tops = fs.readdirSync(unpacked, { withFileTypes: true });
    const top = tops.length === 1 && tops[0].isDirectory() ? path.join(unpacked, tops[0].name) : unpacked;
    const pkg = readJson(path.join(top, 'package.json'));
    if (!pkg?.name || !pkg?.version) {
      throw new InputError('The bundle holds no package.json with name and version (one package folder expected at its top)');
    }
    const role = pkg.backstage?.role;
    if (!INSTALLABLE_ROLES.includes(role)) {
      throw new InputError(`${pkg.name}: backstage.role is ${role ?? 'missing'}; a dynamic bundle must be one of ${INSTALLABLE_ROLES.join(', ')}`);
    }
    if (role !== 'frontend-plugin' && !pkg.main) {
      throw new InputError(`${pkg.name}: package.json has no main (the entry the dynamic feature service loads)`);
    }
    const statics = staticBackendPackages(this.o.backendDir);
    const clash = statics.find(s => s.name === pkg.name || (role === 'backend-plugin' && s.role === 'backend-plugin' && s.pluginId && s.pluginId === pkg.backstage?.pluginId));
    if (clash) {
      throw new ConflictError(`${pkg.name} clashes with ${clash.name} (plugin ${clash.pluginId}), installed statically in the backend`);
    }

    const problems = this.peerProblems(pkg);
    // A schema that does not compile is the bundle's fault: refused (422) with the reason.
    const config = await this.configCheck(top, pkg).catch(error => ({
      missingKeys: [] as string[],
      errors: [`its config schema could not be used: ${(error as Error).message}`],
    }));
    if (problems.length > 0 || config.missingKeys.length > 0 || config.errors.length > 0) {
      const all = [...problems, ...config.missingKeys.map(k => `missing config key ${k}`), ...config.errors];
      throw new BundleRejectedError(`${pkg.name} ${pkg.version} was not installed: ${all.join('; ')}`, {
        missingKeys: config.missingKeys,
        problems: [...problems, ...config.errors],
      });
    }

    fs.mkdirSync(this.o.dynamicPluginsDir, { recursive: true });
    const target = path.join(this.o.dynamicPluginsDir, folderName(pkg.name));
    const replaced = this.locate(pkg.name);
    // The active version it replaces is kept until the new one is live (rollback puts it back).
    let backup: string | undefined;
    for (const dir of replaced) {
      if (dir === target && !backup) {
        backup = path.join(this.backupDir, `${Date.now()}-${crypto.randomBytes(4).toString('hex')}`, path.basename(dir));
        fs.mkdirSync(path.dirname(backup), { recursive: true });
        fs.renameSync(dir, backup);
      } else {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    fs.renameSync(top, target);
    this.record({ package: pkg.name, version: pkg.version, action: 'install', by, role, folder: path.basename(target), backup });
    return { package: pkg.name, version: pkg.version, role, folder: target, replaced: replaced.length > 0 };
  }

  /** Peer ranges on the framework packages against the versions this backend and app run. */
  private peerProblems(pkg: any): string[] {
    const problems: string[] = [];
    for (const name of FRAMEWORK_PACKAGES) {
      const range: string | undefined = pkg.peerDependencies?.[name] ?? pkg.dependencies?.[name];
      if (!range) continue;
      const from = name.includes('frontend') ? this.o.appDir ?? this.o.backendDir : this.o.backendDir;
      const file = findPackageJson(name, from);
      const installed: string | undefined = file && readJson(file)?.version;
      if (!installed) {
        problems.push(`${name} ${range} is required but this portal does not run ${name}`);
      } else if (!semver.validRange(range)) {
        problems.push(`${name}: ${range} is not a version range`);
      } else if (!semver.satisfies(installed, range, { includePrerelease: true })) {
        problems.push(`${name} ${range} is required but this portal runs ${installed}`);
      }
    }
    return problems;
  }

  /**
   * The bundle's config schema against the current config: `configSchema` of its package.json
   * (TypeScript or JSON), else `config.schema.json` or `dist/.config-schema.json` /
   * `dist/configSchema.json` in the bundle.
   */
  private async configCheck(dir: string, pkg: any) {
    if (typeof pkg.configSchema === 'string' || typeof pkg.configSchema === 'object') {
      const checks = await checkPackagesConfig(
        [{ name: pkg.name, dir, configSchemaPath: typeof pkg.configSchema === 'string' ? path.join(dir, pkg.configSchema) : 'package.json' }],
        this.o.config,
      );
      return checks.get(pkg.name)!;
    }
    for (const candidate of ['config.schema.json', 'dist/.config-schema.json', 'dist/configSchema.json']) {
      const json = readJson(path.join(dir, candidate));
      if (!json) continue;
      // config-loader's serialized form ({schemas: [...]}) or a plain JSON schema.
      const schemas: JsonObject[] = Array.isArray(json.schemas) ? json.schemas.map((s: any) => s.value) : [json];
      const merged = { missingKeys: [] as string[], errors: [] as string[] };
      for (const value of schemas) {
        const check = await checkAgainstSchema({ path: candidate, value, packageName: pkg.name }, this.o.config);
        merged.missingKeys.push(...check.missingKeys);
        merged.errors.push(...check.errors);
      }
      return merged;
    }
    return { missingKeys: [], errors: [] };
  }

  /** Folders holding the package, active or disabled. */
  private locate(name: string): string[] {
    const found: string[] = [];
    for (const root of [this.o.dynamicPluginsDir, this.disabledDir]) {
      if (!fs.existsSync(root)) continue;
      for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
        if (entry.isDirectory() && readJson(path.join(root, entry.name, 'package.json'))?.name === name) {
          found.push(path.join(root, entry.name));
        }
      }
    }
    return found;
  }

  private find(name: string, where: 'active' | 'disabled'): string {
    const root = where === 'active' ? this.o.dynamicPluginsDir : this.disabledDir;
    const dir = this.locate(name).find(d => path.dirname(d) === root);
    if (!dir) {
      const elsewhere = this.locate(name).length > 0;
      if (elsewhere) throw new ConflictError(`${name} is already ${where === 'active' ? 'disabled' : 'enabled'}`);
      throw new NotFoundError(`${name} is not a dynamic plugin of this backend`);
    }
    return dir;
  }

  disable(name: string, by: string) {
    const dir = this.find(name, 'active');
    fs.mkdirSync(this.disabledDir, { recursive: true });
    fs.rmSync(path.join(this.disabledDir, path.basename(dir)), { recursive: true, force: true });
    fs.renameSync(dir, path.join(this.disabledDir, path.basename(dir)));
    this.record({ package: name, action: 'disable', by });
  }

  enable(name: string, by: string) {
    const dir = this.find(name, 'disabled');
    fs.renameSync(dir, path.join(this.o.dynamicPluginsDir, path.basename(dir)));
    this.record({ package: name, action: 'enable', by, folder: path.basename(dir) });
  }

  remove(name: string, by: string) {
    const dirs = this.locate(name);
    if (dirs.length === 0) throw new NotFoundError(`${name} is not a dynamic plugin of this backend`);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    this.record({ package: name, action: 'remove', by });
  }

  private record(change: Omit<PendingChange, 'at'>) {
    this.journal.record(change);
  }
}
