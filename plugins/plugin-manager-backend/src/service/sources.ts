import fs from 'node:fs';
import path from 'node:path';

/** A configured place to find plugins (`pluginManager.sources`). */
export type SourceConfig =
  | { name: string; type: 'npm'; registry: string; scope: string }
  | { name: string; type: 'directory'; path: string };

export interface SourcePackage {
  package: string;
  description?: string;
  latestVersion: string;
  role?: string;
  pluginId?: string;
  annotations: string[];
  /** The tarball of the latest version (npm sources). */
  tarball?: string;
  integrity?: string;
}

function fromManifest(pkg: any, latestVersion: string): SourcePackage {
  const annotations = pkg?.stacktalk?.annotations;
  return {
    package: pkg.name,
    description: pkg.description,
    latestVersion,
    role: pkg.backstage?.role,
    pluginId: pkg.backstage?.pluginId,
    annotations: Array.isArray(annotations) ? annotations.filter((a: unknown) => typeof a === 'string') : [],
    tarball: pkg.dist?.tarball,
    integrity: pkg.dist?.integrity,
  };
}

/** Package folders of a directory (e.g. the repository's `plugins/`), each with its package.json. */
export function listDirectorySource(dir: string): SourcePackage[] {
  if (!fs.existsSync(dir)) {
    throw new Error(`folder ${dir} does not exist`);
  }
  const result: SourcePackage[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name, 'package.json');
    if (!entry.isDirectory() || !fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (pkg.name && pkg.backstage?.role) result.push(fromManifest(pkg, pkg.version ?? '0.0.0'));
  }
  return result.sort((a, b) => a.package.localeCompare(b.package));
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
  return response.json();
}

/**
 * The packages of an npm scope, the way `npm view` sees them: the registry's search for the
 * scope, then each package's document (latest dist-tag and that version's manifest).
 */
export async function listNpmSource(registry: string, scope: string): Promise<SourcePackage[]> {
  const base = registry.replace(/\/+$/, '');
  const bare = scope.replace(/^@/, '');
  const search = await getJson(`${base}/-/v1/search?text=scope:${encodeURIComponent(bare)}&size=250`);
  const names: string[] = (search.objects ?? [])
    .map((o: any) => o.package?.name)
    .filter((n: unknown): n is string => typeof n === 'string' && n.startsWith(`@${bare}/`));
  const docs = await Promise.all(
    names.map(async name => {
      const doc = await getJson(`${base}/${name.replace('/', '%2f')}`);
      const latest = doc['dist-tags']?.latest;
      const manifest = latest && doc.versions?.[latest];
      return manifest ? fromManifest(manifest, latest) : undefined;
    }),
  );
  return docs.filter((d): d is SourcePackage => Boolean(d)).sort((a, b) => a.package.localeCompare(b.package));
}

/** Numeric semver comparison of x.y.z (a pre-release sorts before its release). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.split('-', 2);
    return { nums: core.split('.').map(n => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  return (x.pre ?? '').localeCompare(y.pre ?? '');
}
